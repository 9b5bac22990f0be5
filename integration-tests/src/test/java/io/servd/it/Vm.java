package io.servd.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The test-bed VM of DESIGN §7 (Debian bookworm or trixie, systemd as PID 1, cgroup v2), driven
 * through {@code integration-tests/vm/vm.sh}: qemu-guest-agent for commands, a read-only 9p share for
 * files ({@link #share()} on the host is {@code /mnt/share} in the guest), and one hostfwd from
 * 127.0.0.1:{@link #httpPort()} to the guest's port 9470.
 *
 * <p>Boots in 25–35 s under TCG: share one instance per suite ({@link VmExtension}).
 */
public final class Vm implements AutoCloseable {

    /** Where the host share appears in the guest. */
    public static final String GUEST_SHARE = "/mnt/share";

    private static final Duration SCRIPT_MARGIN = Duration.ofSeconds(60);

    private final Path vmDir;
    private final Path stateDir;
    private final String suite;
    private final int httpPort;
    private final Duration bootTime;
    private boolean closed;

    private Vm(Path vmDir, Path stateDir, String suite, int httpPort, Duration bootTime) {
        this.vmDir = vmDir;
        this.stateDir = stateDir;
        this.suite = suite;
        this.httpPort = httpPort;
        this.bootTime = bootTime;
    }

    /**
     * Boots a fresh overlay of the cached image (building the image first if needed) and returns
     * once the guest agent answers.
     *
     * @param vmDir the directory holding vm.sh
     * @param stateDir where vm.sh keeps pid, sockets, console log, overlay and the share
     * @param suite the Debian suite of the image ({@code bookworm}, {@code trixie}): vm.sh's
     *     {@code SERVD_VM_SUITE}
     * @throws IOException if the VM does not come up; the message carries vm.sh's diagnostics
     *     (the console's last lines)
     */
    static Vm start(Path vmDir, Path stateDir, String suite, Duration bootTimeout) throws IOException {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(bootTimeout, "bootTimeout");
        long started = System.nanoTime();
        Run run = script(vmDir, stateDir, suite, bootTimeout.plus(Duration.ofMinutes(10)),
                List.of("start", "--boot-timeout", Long.toString(bootTimeout.toSeconds()),
                        // vm.sh's reaper kills the VM if this JVM dies without closing it.
                        "--owner-pid", Long.toString(ProcessHandle.current().pid())));
        if (run.exitCode() != 0) {
            throw new IOException("vm.sh start exited [" + run.exitCode() + "]:\n" + run.stderr());
        }
        String line = run.stdout().lines().filter(l -> l.startsWith("http_port=")).findFirst()
                .orElseThrow(() -> new IOException("no [http_port=] in vm.sh start output [" + run.stdout() + "]"));
        Duration bootTime = Duration.ofNanos(System.nanoTime() - started);
        return new Vm(vmDir, stateDir, suite, Integer.parseInt(line.substring("http_port=".length()).trim()), bootTime);
    }

    /** Runs a command in the guest with a 5 min timeout. */
    public GuestResult exec(String... argv) throws IOException {
        return exec(Duration.ofMinutes(5), argv);
    }

    /**
     * Runs a command in the guest (no shell unless you run one) and waits for it.
     *
     * @throws IOException if the agent could not run it, as opposed to the command failing
     */
    public GuestResult exec(Duration timeout, String... argv) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", "--timeout", Long.toString(timeout.toSeconds()), "--"));
        args.addAll(List.of(argv));
        Run run = script(vmDir, stateDir, suite, timeout.plus(SCRIPT_MARGIN), args);
        if (run.exitCode() == 255 && run.stderr().contains("vm: exec failed")) {
            throw new IOException("guest agent could not run " + List.of(argv) + ": " + run.stderr());
        }
        return new GuestResult(List.of(argv), run.exitCode(), run.stdout(), run.stderr());
    }

    /** Runs a shell command line in the guest ({@code sh -c}). */
    public GuestResult sh(String commandLine) throws IOException {
        return exec("sh", "-c", commandLine);
    }

    /** Host directory shared read-only with the guest at {@link #GUEST_SHARE}. */
    public Path share() {
        return stateDir.resolve("share");
    }

    /** Copies a host file into the share; returns its path in the guest. */
    public String put(Path file) throws IOException {
        Files.createDirectories(share());
        Path target = share().resolve(file.getFileName());
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        return GUEST_SHARE + "/" + file.getFileName();
    }

    /** The Debian suite the guest runs ({@code bookworm}: systemd 252; {@code trixie}: systemd 257). */
    public String suite() {
        return suite;
    }

    /** Host port forwarded (on 127.0.0.1 only) to the guest's port 9470. */
    public int httpPort() {
        return httpPort;
    }

    /** Wall time of {@link #start}: image check, qemu start, boot to the agent's first answer. */
    Duration bootTime() {
        return bootTime;
    }

    /**
     * Copies what explains a failure into {@code dir}: the guest journal of this boot, the
     * failed units, the serial console log and qemu's own log. Never throws: a dead guest still
     * leaves the console log.
     */
    void collectLogs(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String name : List.of("console.log", "qemu.log")) {
                Path source = stateDir.resolve(name);
                if (Files.exists(source)) {
                    Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!closed) {
                write(dir.resolve("journal.txt"), exec(Duration.ofMinutes(2),
                        "journalctl", "-b", "--no-pager", "-o", "short-monotonic"));
                write(dir.resolve("units.txt"), exec(Duration.ofMinutes(1),
                        "systemctl", "list-units", "--all", "--no-pager", "--no-legend"));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("could not collect all vm logs into [" + dir + "]: " + e);
        }
    }

    private static void write(Path file, GuestResult result) throws IOException {
        Files.writeString(file, result.stdout() + (result.stderr().isEmpty() ? "" : "\n--- stderr ---\n" + result.stderr()));
    }

    /** Powers the guest off (killing our qemu if it does not go) and drops the overlay. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Run run = script(vmDir, stateDir, suite, Duration.ofMinutes(3), List.of("stop"));
        if (run.exitCode() != 0) {
            throw new IOException("vm.sh stop exited [" + run.exitCode() + "]: " + run.stderr());
        }
    }

    /** Guest output need not be valid UTF-8: decode leniently. */
    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    private record Run(int exitCode, String stdout, String stderr) {}

    private static Run script(Path vmDir, Path stateDir, String suite, Duration timeout, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(vmDir.resolve("vm.sh").toString());
        command.addAll(args);
        Path out = Files.createTempFile("vm-out", ".txt");
        Path err = Files.createTempFile("vm-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("SERVD_VM_STATE", stateDir.toString());
            // vm.sh start builds or finds the image of this suite (build-image.sh)
            pb.environment().put("SERVD_VM_SUITE", suite);
            Process process = pb.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException("vm.sh " + args + " still running after [" + timeout + "]: "
                            + read(err));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running vm.sh " + args, e);
            }
            return new Run(process.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
