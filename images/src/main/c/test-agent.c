/*
 * test-agent: a scripted stand-in for the opencode CLI, for end-to-end tests (a test image only, never shipped).
 *
 *   opencode run [options] "<prompt>"   follow the instructions in the prompt
 *   opencode run                        the same with the prompt read from $WORKSPACE_DIR/task.md
 *   opencode -v | --version             print the version
 *
 * The prompt is read line by line; a line "<keyword>: <value>" with a known keyword is an instruction, every other
 * line is ignored (so a real task description can carry them). All instructions are checked before the first runs.
 * The grammar and the exit codes are documented in docs/test-images.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "dev"
#endif

#define EXIT_RUNTIME 1  /* an instruction failed: IoError, OutOfMemory */
#define EXIT_USAGE 2    /* UsageError, InvalidInstruction */
#define EXIT_SIGTERM 143

enum kind { LOG, STDERR, WRITE, SLEEP, ALLOC_MIB, IGNORE_SIGTERM, EXIT, ENV, CAT, WAIT_FILE };
static const char *const KEYWORDS[] = {"log", "stderr", "write", "sleep", "alloc-mib", "ignore-sigterm", "exit",
                                       "env", "cat", "wait-file"};
#define KINDS (sizeof KEYWORDS / sizeof KEYWORDS[0])

struct instruction {
  enum kind kind;
  int line;
  char *value;   /* the text after "<keyword>: "; for write the path */
  char *content; /* write only */
  double number; /* sleep, ignore-sigterm, alloc-mib, exit */
};

static volatile sig_atomic_t grace_armed; /* set by ignore-sigterm */
static volatile sig_atomic_t terminating;
static timer_t grace_timer;
static struct itimerspec grace;
static void *volatile allocated; /* kept until exit, so the memory stays in use */

static void say(int fd, const char *text) {
  ssize_t unused = write(fd, text, strlen(text));
  (void) unused;
}

static void on_grace_over(int sig) {
  (void) sig;
  say(1, "test-agent: grace period over, exit 143\n");
  _exit(EXIT_SIGTERM);
}

static void on_sigterm(int sig) {
  (void) sig;
  if (terminating) {
    return;
  }
  terminating = 1;
  if (!grace_armed) {
    say(1, "test-agent: SIGTERM, exit 143\n");
    _exit(EXIT_SIGTERM);
  }
  say(1, "test-agent: SIGTERM, carrying on (ignore-sigterm)\n");
  if (timer_settime(grace_timer, 0, &grace, NULL) != 0) {
    _exit(EXIT_SIGTERM);
  }
}

static void handle(int sig, void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void fail(int code, const char *name, const char *format, ...) __attribute__((format(printf, 3, 4)));
static void fail(int code, const char *name, const char *format, ...) {
  va_list args;
  va_start(args, format);
  fflush(stdout);
  fprintf(stderr, "%s: ", name);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(code);
}

static char *read_file(const char *path, size_t *length) {
  FILE *in = fopen(path, "rb");
  if (in == NULL) {
    return NULL;
  }
  size_t size = 0, capacity = 4096;
  char *data = malloc(capacity + 1);
  size_t n;
  while (data != NULL && (n = fread(data + size, 1, capacity - size, in)) > 0) {
    size += n;
    if (size == capacity) {
      capacity *= 2;
      char *bigger = realloc(data, capacity + 1);
      if (bigger == NULL) {
        free(data);
      }
      data = bigger;
    }
  }
  int failed = ferror(in);
  fclose(in);
  if (data == NULL || failed) {
    free(data);
    errno = data == NULL ? ENOMEM : EIO;
    return NULL;
  }
  data[size] = '\0';
  *length = size;
  return data;
}

/* A path of an instruction: absolute, or relative to $WORKSPACE_DIR (the working directory without it). */
static char *resolve(const char *path) {
  const char *workspace = getenv("WORKSPACE_DIR");
  char *resolved;
  if (path[0] == '/' || workspace == NULL || workspace[0] == '\0') {
    resolved = strdup(path);
  } else if (asprintf(&resolved, "%s/%s", workspace, path) < 0) {
    resolved = NULL;
  }
  if (resolved == NULL) {
    fail(EXIT_RUNTIME, "OutOfMemory", "resolving %s", path);
  }
  return resolved;
}

static int make_parents(char *path) {
  for (char *slash = strchr(path + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    int failed = mkdir(path, 0777) != 0 && errno != EEXIST;
    *slash = '/';
    if (failed) {
      return -1;
    }
  }
  return 0;
}

/* "\n", "\t" and "\\" in a write's content; any other backslash stays as it is. */
static void unescape(char *text) {
  char *out = text;
  for (char *in = text; *in != '\0'; in++) {
    if (in[0] == '\\' && (in[1] == 'n' || in[1] == 't' || in[1] == '\\')) {
      in++;
      *out++ = *in == 'n' ? '\n' : *in == 't' ? '\t' : '\\';
    } else {
      *out++ = *in;
    }
  }
  *out = '\0';
}

static int number(const char *text, double *value, double max, int integer) {
  char *end;
  errno = 0;
  *value = strtod(text, &end);
  return end != text && *end == '\0' && errno == 0 && isfinite(*value) && *value >= 0 && *value <= max
         && (!integer || *value == floor(*value)) && strchr(text, 'x') == NULL && strchr(text, 'X') == NULL;
}

static void invalid(const struct instruction *ins, const char *expected) {
  fail(EXIT_USAGE, "InvalidInstruction", "line %d: %s: '%s' is not %s", ins->line, KEYWORDS[ins->kind], ins->value,
       expected);
}

static void check(struct instruction *ins) {
  switch (ins->kind) {
    case LOG:
    case STDERR:
      break;
    case WRITE: {
      char *equals = strchr(ins->value, '=');
      if (equals == NULL) {
        invalid(ins, "'<path> = <content>'");
      }
      ins->content = equals + 1 + (equals[1] == ' ');
      char *end = equals;
      while (end > ins->value && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
      }
      *end = '\0';
      if (ins->value[0] == '\0') {
        fail(EXIT_USAGE, "InvalidInstruction", "line %d: write: the path is empty", ins->line);
      }
      unescape(ins->content);
      break;
    }
    case SLEEP:
      if (!number(ins->value, &ins->number, 1e6, 0)) {
        invalid(ins, "a number of seconds");
      }
      break;
    case IGNORE_SIGTERM:
      if (!number(ins->value, &ins->number, 1e6, 0)) {
        invalid(ins, "a number of seconds");
      }
      break;
    case ALLOC_MIB:
      if (!number(ins->value, &ins->number, 1 << 20, 1)) {
        invalid(ins, "a whole number of MiB (0..1048576)");
      }
      break;
    case EXIT:
      if (!number(ins->value, &ins->number, 255, 1)) {
        invalid(ins, "an exit code (0..255)");
      }
      break;
    case ENV:
    case CAT:
    case WAIT_FILE:
      if (ins->value[0] == '\0') {
        fail(EXIT_USAGE, "InvalidInstruction", "line %d: %s: the %s is empty", ins->line, KEYWORDS[ins->kind],
             ins->kind == ENV ? "name" : "path");
      }
      break;
  }
}

/* Splits the prompt into lines and keeps the instructions, checked; returns how many. */
static size_t parse(char *prompt, struct instruction **out) {
  size_t count = 0, capacity = 16;
  struct instruction *list = malloc(capacity * sizeof *list);
  int line = 0;
  for (char *next = prompt; next != NULL && list != NULL;) {
    char *text = next;
    next = strchr(text, '\n');
    if (next != NULL) {
      *next++ = '\0';
    }
    line++;
    size_t length = strlen(text);
    while (length > 0 && (text[length - 1] == '\r' || text[length - 1] == ' ' || text[length - 1] == '\t')) {
      text[--length] = '\0';
    }
    text += strspn(text, " \t");
    for (size_t k = 0; k < KINDS; k++) {
      size_t n = strlen(KEYWORDS[k]);
      if (strncmp(text, KEYWORDS[k], n) != 0 || text[n] != ':' || (text[n + 1] != ' ' && text[n + 1] != '\0')) {
        continue;
      }
      if (count == capacity) {
        capacity *= 2;
        struct instruction *bigger = realloc(list, capacity * sizeof *list);
        if (bigger == NULL) {
          fail(EXIT_RUNTIME, "OutOfMemory", "parsing the prompt");
        }
        list = bigger;
      }
      struct instruction *ins = &list[count++];
      memset(ins, 0, sizeof *ins);
      ins->kind = (enum kind) k;
      ins->line = line;
      ins->value = text + n + 1 + (text[n + 1] == ' ');
      check(ins);
      break;
    }
  }
  if (list == NULL) {
    fail(EXIT_RUNTIME, "OutOfMemory", "parsing the prompt");
  }
  *out = list;
  return count;
}

static void sleep_for(double seconds) {
  struct timespec left = {(time_t) seconds, (long) ((seconds - floor(seconds)) * 1e9)};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

static void run(const struct instruction *ins) {
  switch (ins->kind) {
    case LOG:
      printf("%s\n", ins->value);
      break;
    case STDERR:
      fprintf(stderr, "%s\n", ins->value);
      break;
    case WRITE: {
      char *path = resolve(ins->value);
      FILE *file = make_parents(path) == 0 ? fopen(path, "w") : NULL;
      int written = file != NULL && fprintf(file, "%s\n", ins->content) >= 0;
      if (file != NULL && fclose(file) != 0) {
        written = 0;
      }
      if (!written) {
        fail(EXIT_RUNTIME, "IoError", "line %d: write: %s: %s", ins->line, path, strerror(errno));
      }
      printf("test-agent: wrote %s\n", path);
      free(path);
      break;
    }
    case SLEEP:
      sleep_for(ins->number);
      break;
    case ALLOC_MIB: {
      size_t bytes = (size_t) ins->number << 20;
      char *memory = malloc(bytes > 0 ? bytes : 1);
      if (memory == NULL) {
        fail(EXIT_RUNTIME, "OutOfMemory", "line %d: alloc-mib: could not allocate %zu MiB", ins->line, bytes >> 20);
      }
      for (size_t i = 0; i < bytes; i += 4096) {
        memory[i] = (char) i; /* touch every page, so it is resident */
      }
      allocated = memory;
      printf("test-agent: allocated and touched %zu MiB\n", bytes >> 20);
      break;
    }
    case IGNORE_SIGTERM:
      grace.it_value.tv_sec = (time_t) ins->number;
      grace.it_value.tv_nsec = (long) ((ins->number - floor(ins->number)) * 1e9);
      if (grace.it_value.tv_sec == 0 && grace.it_value.tv_nsec == 0) {
        grace.it_value.tv_nsec = 1; /* a zero value would disarm the timer: 0 s means exit at once */
      }
      grace_armed = 1;
      break;
    case EXIT:
      printf("test-agent: exit %d\n", (int) ins->number);
      fflush(stdout);
      exit((int) ins->number);
    case ENV: {
      const char *value = getenv(ins->value);
      if (value != NULL) {
        printf("%s=%s\n", ins->value, value);
      } else {
        printf("%s is not set\n", ins->value);
      }
      break;
    }
    case WAIT_FILE: {
      /* Until the path exists: a test holds the agent at a point without depending on time. */
      char *path = resolve(ins->value);
      while (access(path, F_OK) != 0) {
        sleep_for(0.05);
      }
      free(path);
      break;
    }
    case CAT: {
      char *path = resolve(ins->value);
      size_t length;
      char *data = read_file(path, &length);
      if (data == NULL) {
        fail(EXIT_RUNTIME, "IoError", "line %d: cat: %s: %s", ins->line, path, strerror(errno));
      }
      fwrite(data, 1, length, stdout);
      if (length > 0 && data[length - 1] != '\n') {
        putchar('\n');
      }
      free(data);
      free(path);
      break;
    }
  }
  fflush(stdout);
}

static const char *const VALUE_OPTIONS[] = {"--format", "--model", "-m", "--agent", "--session", "-s", "--title",
                                            "--attach", "--port", "--file", "-f"};

/* The prompt: the arguments after "run" that are not options (opencode joins them with spaces). */
static char *prompt_of(int argc, char **argv) {
  size_t length = 0;
  char *prompt = calloc(1, 1);
  for (int i = 2; i < argc && prompt != NULL; i++) {
    if (argv[i][0] == '-') {
      for (size_t o = 0; o < sizeof VALUE_OPTIONS / sizeof VALUE_OPTIONS[0]; o++) {
        if (strcmp(argv[i], VALUE_OPTIONS[o]) == 0) {
          i++;
          break;
        }
      }
      continue;
    }
    size_t n = strlen(argv[i]);
    char *bigger = realloc(prompt, length + n + 2);
    if (bigger == NULL) {
      free(prompt);
      prompt = NULL;
      break;
    }
    prompt = bigger;
    if (length > 0) {
      prompt[length++] = ' ';
    }
    memcpy(prompt + length, argv[i], n + 1);
    length += n;
  }
  if (prompt == NULL) {
    fail(EXIT_RUNTIME, "OutOfMemory", "reading the arguments");
  }
  if (length > 0) {
    return prompt;
  }
  free(prompt);
  const char *workspace = getenv("WORKSPACE_DIR");
  if (workspace == NULL || workspace[0] == '\0') {
    fail(EXIT_USAGE, "UsageError", "no prompt given and WORKSPACE_DIR is not set (usage: opencode run \"<prompt>\")");
  }
  char *path = resolve("task.md");
  char *text = read_file(path, &length);
  if (text == NULL) {
    fail(EXIT_USAGE, "UsageError", "no prompt given and %s cannot be read: %s", path, strerror(errno));
  }
  free(path);
  return text;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    printf("test-agent %s (kubeopencode test image, a scripted stand-in for opencode)\n", VERSION);
    return 0;
  }
  if (argc < 2 || strcmp(argv[1], "run") != 0) {
    fail(EXIT_USAGE, "UsageError", "usage: opencode run [options] [\"<prompt>\"] | opencode --version");
  }
  struct sigevent event;
  memset(&event, 0, sizeof event);
  event.sigev_notify = SIGEV_SIGNAL;
  event.sigev_signo = SIGALRM;
  if (timer_create(CLOCK_MONOTONIC, &event, &grace_timer) != 0) {
    fail(EXIT_RUNTIME, "IoError", "timer_create: %s", strerror(errno));
  }
  handle(SIGALRM, on_grace_over);
  handle(SIGTERM, on_sigterm); /* explicit: as PID 1 of a container the default action would be none */
  struct instruction *list;
  size_t count = parse(prompt_of(argc, argv), &list);
  printf("test-agent: %zu instructions\n", count);
  for (size_t i = 0; i < count; i++) {
    run(&list[i]);
  }
  printf("test-agent: done\n");
  return 0;
}
