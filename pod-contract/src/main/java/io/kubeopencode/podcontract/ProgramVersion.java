package io.kubeopencode.podcontract;

import java.util.Objects;

/**
 * {@code --version}, which every program of the project answers (the image tests run it in a container): the jar
 * manifest's {@code Implementation-Title} and {@code Implementation-Version}.
 */
public final class ProgramVersion {
  public static final String FLAG = "--version";

  private ProgramVersion() {}

  /** True when the arguments are exactly {@code --version}. */
  public static boolean requested(String... args) {
    return args.length == 1 && FLAG.equals(args[0]);
  }

  /** "KubeOpenCode :: git-init 0.1.0", or "... development" when run from classes rather than the jar. */
  public static String of(Class<?> main) {
    Package p = main.getPackage();
    return Objects.requireNonNullElse(p.getImplementationTitle(), main.getName()) + " "
        + Objects.requireNonNullElse(p.getImplementationVersion(), "development");
  }
}
