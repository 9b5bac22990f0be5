package io.servd.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs bin/servd-java as a process, through its shebang (/bin/sh), with the test seams set:
 * {@code SERVD_JAVA_PROC} and {@code SERVD_JAVA_CGROUP_ROOT} point at a fixture tree. The
 * environment starts empty except PATH, so the host's MALLOC_ARENA_MAX or JDK_JAVA_OPTIONS cannot
 * leak into a case.
 */
final class ServdJava {

    static final Path SCRIPT = Path.of(System.getProperty("servd.java.script", "../bin/servd-java"));
    static final Path CGROUP_FIXTURES = Path.of(System.getProperty("servd.cgroup.fixtures",
            "../cgroup/src/test/resources"));

    /** What one run printed and returned; {@code pid} is the pid of the process started. */
    record Result(int exitCode, String stdout, String stderr, long pid) {

        /** The derived flags of {@code --print-flags}: its lines that start with '-'. */
        List<String> flags() {
            return stdout.lines().filter(l -> l.startsWith("-")).toList();
        }

        /** The limit notes of {@code --print-flags}: its lines that start with '#'. */
        String notes() {
            return String.join("\n", stdout.lines().filter(l -> l.startsWith("#")).toList());
        }
    }

    private final Map<String, String> env = new HashMap<>();

    private ServdJava(Path proc, Path cgroupRoot) {
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("SERVD_JAVA_PROC", proc.toString());
        env.put("SERVD_JAVA_CGROUP_ROOT", cgroupRoot.toString());
    }

    /** The script against {@code procfs/NAME} and {@code cgroupfs/NAME} below {@code fixtures}. */
    static ServdJava in(Path fixtures, String name) {
        return new ServdJava(fixtures.resolve("procfs").resolve(name), fixtures.resolve("cgroupfs").resolve(name));
    }

    /** The script against one of the cgroup module's captured scenarios. */
    static ServdJava captured(String name) {
        return in(CGROUP_FIXTURES, name);
    }

    ServdJava env(String name, String value) {
        env.put(name, Objects.requireNonNull(value, "value"));
        return this;
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toAbsolutePath().toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // small outputs: read one stream after the other, the pipes never fill
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("servd-java did not exit within 30 s: " + command);
            }
            return new Result(p.exitValue(), out, err, p.pid());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A fake JDK at {@code home}: its bin/java prints its pid, MALLOC_ARENA_MAX and each argument
     * on a line, so a test sees what servd-java exec'd (same pid = exec, not a child).
     */
    static Path fakeJdk(Path home, String javaVersion) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo "pid=$$"
                echo "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
                for a in "$@"; do echo "arg=$a"; done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + javaVersion + "\"\n");
        return home;
    }
}
