/*
 * The sandbox ("pause") image of a local test node: holds the pod's namespaces and does nothing else.
 * Sleeps until a signal; reaps every child that ends (SIGCHLD); exits 0 on SIGTERM or SIGINT.
 * Built static (gcc -static -Os); a test image only, never shipped.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "dev"
#endif

static void on_stop(int sig) {
  (void) sig;
  _exit(0);
}

static void on_child(int sig) {
  (void) sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int handle(int sig, void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc == 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    printf("pause %s (kubeopencode test image)\n", VERSION);
    return 0;
  }
  if (argc > 1) {
    fprintf(stderr, "usage: pause [-v]\n");
    return 2;
  }
  if (handle(SIGTERM, on_stop) || handle(SIGINT, on_stop) || handle(SIGCHLD, on_child)) {
    perror("pause: sigaction");
    return 1;
  }
  if (getpid() != 1) {
    fprintf(stderr, "pause: warning: not running as PID 1, orphans of the pod will not be reaped here\n");
  }
  for (;;) {
    pause();
  }
}
