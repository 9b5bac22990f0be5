package io.servd.it;

import io.servd.testsupport.CiAssumptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Boots the test-bed {@link Vm} once per test run (the root context's store closes it when the
 * run ends) and injects it into test constructors and methods. Any failure of a test or a
 * lifecycle method copies the guest journal and console log to {@code target/vm-logs/<test>/}.
 *
 * <p>One run, one suite: failsafe runs the IT classes twice over, in two executions that follow
 * each other, each in its own JVM with its own VM (integration-tests/pom.xml). The execution's
 * {@code servd.it.suite} (and {@code servd.it.vmStateDir}) say which image it boots: {@code bookworm}
 * (systemd 252) for every class outside {@value #TRIXIE_PACKAGE}, {@code trixie} (systemd 257) for
 * the classes in it. So a class picks its VM by its package, and the two VMs never run at once.
 * A class that reaches the other execution all the same ({@code -Dit.test=} overrides the pom's
 * includes and excludes) is skipped there, before any VM boots.
 *
 * <p>When {@code vm/prepare.sh} found the VM unavailable on this machine (not root, no apt-get),
 * tests are skipped with its reason; with {@code CI=true} they fail instead.
 */
public final class VmExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(VmExtension.class);
    /** The package of the classes that run on trixie; the pom's trixie execution includes exactly it. */
    public static final String TRIXIE_PACKAGE = "io.servd.it.trixie";
    /** Wide: TCG boots in 25–35 s on an idle host, and these hosts are shared. */
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(6);

    /** The suite's VM, or why there is none (remembered, so a failed boot is not retried per class). */
    private static final class Suite implements AutoCloseable {
        private final Vm vm;
        private final Exception failure;

        Suite(Vm vm, Exception failure) {
            this.vm = vm;
            this.failure = failure;
        }

        Vm vm() {
            if (failure != null) {
                throw new IllegalStateException("the test-bed vm did not boot: " + failure.getMessage(), failure);
            }
            return vm;
        }

        @Override
        public void close() throws IOException {
            if (vm != null) {
                vm.close();
            }
        }
    }

    /**
     * Disables (skips, with the reason) a class meant for the other execution's VM, and every test
     * when the VM is unavailable here, outside CI.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String needed = suiteOf(context.getRequiredTestClass());
        String running = property("servd.it.suite");
        if (!needed.equals(running)) {
            return ConditionEvaluationResult.disabled("runs on the [" + needed + "] vm, in failsafe's [" + needed
                    + "] execution; this is the [" + running + "] one (selected by -Dit.test?)");
        }
        String reason = unavailability();
        return reason == null || CiAssumptions.ci()
                ? ConditionEvaluationResult.enabled("vm test bed available")
                : ConditionEvaluationResult.disabled("vm test bed unavailable on this machine: " + reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String reason = unavailability();
        if (reason != null) {
            throw new IllegalStateException("CI=true requires the vm test bed, but: " + reason);
        }
        suite(context).vm();
    }

    /** Why vm/prepare.sh found the VM unavailable, or null when it did not. */
    private static String unavailability() {
        Path marker = Path.of(property("servd.it.unavailable"));
        try {
            return Files.exists(marker) ? Files.readString(marker).trim() : null;
        } catch (IOException e) {
            return "unreadable [" + marker + "]: " + e;
        }
    }

    private static Suite suite(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Suite.class, k -> boot(), Suite.class);
    }

    /** The suite whose VM a test class needs: its package decides (see the class comment). */
    static String suiteOf(Class<?> testClass) {
        String name = testClass.getPackageName();
        return name.equals(TRIXIE_PACKAGE) || name.startsWith(TRIXIE_PACKAGE + ".") ? "trixie" : "bookworm";
    }

    private static Suite boot() {
        Path logDir = Path.of(property("servd.it.logDir"));
        String suite = property("servd.it.suite");
        Vm vm = null;
        try {
            vm = Vm.start(Path.of(property("servd.it.vmDir")), Path.of(property("servd.it.vmStateDir")), suite, BOOT_TIMEOUT);
            System.out.printf("test-bed vm [%s] up in %d ms, host port [%d] -> guest 9470%n",
                    suite, vm.bootTime().toMillis(), vm.httpPort());
            return new Suite(vm, null);
        } catch (IOException | RuntimeException e) {
            copyConsole(logDir.resolve("boot-" + suite));
            return new Suite(null, e);
        }
    }

    private static void copyConsole(Path dir) {
        try {
            Files.createDirectories(dir);
            Path state = Path.of(property("servd.it.vmStateDir"));
            for (String name : new String[] {"console.log", "console.attempt1.log", "qemu.log"}) {
                if (Files.exists(state.resolve(name))) {
                    Files.copy(state.resolve(name), dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.err.println("could not copy the console log into [" + dir + "]: " + e);
        }
    }

    public static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property [" + name + "] is not set (run through failsafe)");
        }
        return value;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Vm.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return suite(context).vm();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        collect(context);
        throw throwable;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        collect(context);
        throw throwable;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        collect(context);
        throw throwable;
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        collect(context);
        throw throwable;
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        collect(context);
        throw throwable;
    }

    private static void collect(ExtensionContext context) {
        String name = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
        Path dir = Path.of(property("servd.it.logDir")).resolve(name);
        Suite suite = context.getRoot().getStore(NAMESPACE).get(Suite.class, Suite.class);
        if (suite != null && suite.vm != null) {
            suite.vm.collectLogs(dir);
            System.err.println("vm logs of the failure in [" + dir + "]");
        }
    }
}
