package io.servd.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Under CI an aborted assumption ({@code assumeTrue}, {@code Assumptions.abort}) fails the test
 * instead of skipping it: a missing prerequisite must not let CI pass with tests left out. Outside
 * CI the abort stays a skip. CI means the environment variable {@code CI} is exactly {@code true},
 * as {@code .ci/run} sets it ({@code 1} or {@code True} are not CI here).
 *
 * <p>Registered in every module's tests by JUnit's extension autodetection: the parent pom turns it
 * on for surefire and failsafe and gives every module this artifact as a test dependency; {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} names this class.
 */
public final class CiAssumptions implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    /** The environment variable, and the one value of it that means CI. */
    static final String VARIABLE = "CI";
    static final String CI_VALUE = "true";

    private final boolean ci;

    /** As JUnit creates it: reads {@code CI} from the environment. */
    public CiAssumptions() {
        this(System.getenv(VARIABLE));
    }

    CiAssumptions(String ciVariable) {
        this.ci = CI_VALUE.equals(ciVariable);
    }

    /** Whether this run is CI ({@code CI=true}): for tests that must fail rather than leave out a case. */
    public static boolean ci() {
        return new CiAssumptions().ci;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw escalated(throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw escalated(throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw escalated(throwable);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw escalated(throwable);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw escalated(throwable);
    }

    /** Under CI an abort becomes a failure naming the missing prerequisite; anything else passes through. */
    Throwable escalated(Throwable throwable) {
        if (ci && throwable instanceof TestAbortedException) {
            return new AssertionError("CI=true: a test may not be skipped for a missing prerequisite, but "
                    + throwable.getMessage(), throwable);
        }
        return throwable;
    }
}
