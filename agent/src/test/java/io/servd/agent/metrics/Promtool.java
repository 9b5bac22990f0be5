package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs promtool on files, found and required as {@link PromtoolCheckTest} does: skipped when it is not
 * installed, failed instead under {@code CI=true} (CiAssumptions).
 */
final class Promtool {
    /** The packaging/prometheus directory of the checkout, from agent/ (surefire) or the checkout's top. */
    static final Path SHIPPED = Stream.of(Path.of(".."), Path.of(".")).map(p -> p.resolve("packaging/prometheus"))
            .filter(Files::isDirectory).findFirst().orElse(Path.of("../packaging/prometheus"));

    private Promtool() {
    }

    /** promtool's exit code and its stdout and stderr, interleaved. */
    record Result(int exit, String output) {
    }

    static Result run(Path workingDir, String... args) throws Exception {
        Optional<Path> promtool = PromtoolCheckTest.promtool();
        assumeTrue(promtool.isPresent(), "promtool is not installed (apt-get install --no-install-recommends "
                + "prometheus, or integration-tests/vm/prereqs.sh host)");
        List<String> command = new ArrayList<>(List.of(promtool.get().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("promtool %s finished", command).isTrue();
        return new Result(p.exitValue(), out);
    }
}
