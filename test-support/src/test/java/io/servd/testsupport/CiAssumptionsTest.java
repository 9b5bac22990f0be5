package io.servd.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

class CiAssumptionsTest {

    /** What {@code assumeTrue(false, "tmux is not installed")} throws. */
    private static TestAbortedException tmuxMissing() {
        return assertThrows(TestAbortedException.class, () -> assumeTrue(false, "tmux is not installed"));
    }

    @Test
    void underCiAnAbortedTestFailsNamingThePrerequisite() {
        CiAssumptions extension = new CiAssumptions("true");
        TestAbortedException aborted = tmuxMissing();

        Throwable thrown = assertThrows(Throwable.class, () -> extension.handleTestExecutionException(null, aborted));

        AssertionError failure = assertInstanceOf(AssertionError.class, thrown);
        assertEquals("CI=true: a test may not be skipped for a missing prerequisite, but Assumption failed: "
                + "tmux is not installed", failure.getMessage());
        assertSame(aborted, failure.getCause());
    }

    @Test
    void underCiAnAbortInEveryLifecycleMethodFails() {
        CiAssumptions extension = new CiAssumptions("true");
        TestAbortedException aborted = tmuxMissing();
        assertInstanceOf(AssertionError.class, assertThrows(Throwable.class,
                () -> extension.handleBeforeAllMethodExecutionException(null, aborted)));
        assertInstanceOf(AssertionError.class, assertThrows(Throwable.class,
                () -> extension.handleBeforeEachMethodExecutionException(null, aborted)));
        assertInstanceOf(AssertionError.class, assertThrows(Throwable.class,
                () -> extension.handleAfterEachMethodExecutionException(null, aborted)));
        assertInstanceOf(AssertionError.class, assertThrows(Throwable.class,
                () -> extension.handleAfterAllMethodExecutionException(null, aborted)));
    }

    /** Only the exact value .ci/run sets is CI: unset, "1", "True" keep the skip. */
    @ParameterizedTest(name = "CI={0}")
    @NullSource
    @ValueSource(strings = {"", "1", "True", "TRUE", "yes", "false", " true"})
    void outsideCiTheAbortStaysASkip(String ci) {
        CiAssumptions extension = new CiAssumptions(ci);
        TestAbortedException aborted = tmuxMissing();

        assertSame(aborted, assertThrows(Throwable.class, () -> extension.handleTestExecutionException(null, aborted)));
        assertSame(aborted, assertThrows(Throwable.class,
                () -> extension.handleBeforeEachMethodExecutionException(null, aborted)));
    }

    @Test
    void otherFailuresPassThroughUnderCi() {
        CiAssumptions extension = new CiAssumptions("true");
        IOException io = new IOException("boom");
        AssertionError assertion = new AssertionError("expected");

        assertSame(io, assertThrows(Throwable.class, () -> extension.handleTestExecutionException(null, io)));
        assertSame(assertion, assertThrows(Throwable.class,
                () -> extension.handleAfterAllMethodExecutionException(null, assertion)));
    }

    @Test
    void isRegisteredForAutodetection() throws IOException {
        try (var in = CiAssumptions.class.getResourceAsStream(
                "/META-INF/services/org.junit.jupiter.api.extension.Extension")) {
            assertTrue(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .anyMatch(CiAssumptions.class.getName()::equals));
        }
    }
}
