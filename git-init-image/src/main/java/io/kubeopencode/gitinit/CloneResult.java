package io.kubeopencode.gitinit;

import java.nio.file.Path;
import java.util.List;

/** A finished checkout: the commit it is at, what GIT_REF resolved to, and the submodule checkouts inside it. */
public record CloneResult(String commit, ResolvedRef ref, List<Path> submodules) {}
