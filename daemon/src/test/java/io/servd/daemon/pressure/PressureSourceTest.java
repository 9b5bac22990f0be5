package io.servd.daemon.pressure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native poll path against real inodes: a FIFO, an AF_UNIX stream socket and the kernel's PSI file. */
class PressureSourceTest {
    /** systemd's MEMORY_PRESSURE_WRITE decodes to a trigger with a trailing NUL. */
    private static final byte[] SYSTEMD_TRIGGER = "some 200000 2000000\0".getBytes(StandardCharsets.US_ASCII);
    private static final Path KERNEL_PSI = Path.of("/proc/pressure/memory");

    @TempDir
    Path dir;
    private final int[] wake = new int[2];

    @BeforeEach
    void pipe() {
        assertThat(PressureLibc.libc().pipe2(wake, PressureLibc.O_CLOEXEC | PressureLibc.O_NONBLOCK)).isZero();
    }

    @AfterEach
    void closePipe() {
        PressureLibc.libc().close(wake[0]);
        PressureLibc.libc().close(wake[1]);
    }

    @Test
    void aFifoIsReadableOnEachEventAndItsDataIsDiscarded() throws IOException {
        Path fifo = dir.resolve("pressure.fifo");
        assertThat(POSIXFactory.getNativePOSIX().mkfifo(fifo.toString(), 0600)).isZero();
        try (PressureSource source = PressureSource.open(fifo, SYSTEMD_TRIGGER)) {
            assertThat(source.kind()).isEqualTo(PressureSource.Kind.FIFO);
            // our own trigger, written into the FIFO, is not an event
            assertThat(source.await(wake[0], 50)).isEqualTo(PressureSource.Wakeup.TIMEOUT);
            try (OutputStream writer = Files.newOutputStream(fifo)) { // opens at once: we hold a reader
                writer.write("pressure!".getBytes(StandardCharsets.US_ASCII));
                writer.flush();
                assertThat(source.await(wake[0], 10_000)).isEqualTo(PressureSource.Wakeup.PRESSURE);
                assertThat(source.await(wake[0], 50)).as("data discarded").isEqualTo(PressureSource.Wakeup.TIMEOUT);
            }
            // the writer closed: no POLLHUP storm, since we hold the FIFO open for writing too
            assertThat(source.await(wake[0], 50)).isEqualTo(PressureSource.Wakeup.TIMEOUT);
        }
    }

    @Test
    void aSocketIsConnectedTheTriggerWrittenAndEachReadableDataAnEvent() throws IOException {
        Path path = dir.resolve("pressure.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            try (PressureSource source = PressureSource.open(path, SYSTEMD_TRIGGER);
                 SocketChannel peer = server.accept()) {
                assertThat(source.kind()).isEqualTo(PressureSource.Kind.SOCKET);
                ByteBuffer got = ByteBuffer.allocate(64);
                while (got.position() < SYSTEMD_TRIGGER.length && peer.read(got) >= 0) {
                    // the trigger arrives in one or more reads
                }
                assertThat(java.util.Arrays.copyOf(got.array(), got.position())).isEqualTo(SYSTEMD_TRIGGER);

                peer.write(ByteBuffer.wrap(new byte[] {'x'}));
                assertThat(source.await(wake[0], 10_000)).isEqualTo(PressureSource.Wakeup.PRESSURE);
                assertThat(source.await(wake[0], 50)).isEqualTo(PressureSource.Wakeup.TIMEOUT);

                peer.close();
                assertThatThrownBy(() -> source.await(wake[0], 10_000)).isInstanceOf(EOFException.class)
                        .hasMessageContaining("[" + path + "] was closed by the other end");
            }
        }
    }

    @Test
    void theWakePipeEndsAWait() throws IOException {
        PressureLibc.libc().write(wake[1], new byte[] {1}, 1);

        assertThat(PressureSource.poll(null, wake[0], 10_000)).isEqualTo(PressureSource.Wakeup.WOKEN);
    }

    @Test
    void theKernelAcceptsTheDefaultTriggerOnItsPsiFile() throws IOException {
        assumeTrue(Files.isWritable(KERNEL_PSI), "PSI is enabled and /proc/pressure/memory is writable");
        try (PressureSource source = PressureSource.open(KERNEL_PSI, PressureOptions.defaults().triggerBytes())) {
            assertThat(source.kind()).isEqualTo(PressureSource.Kind.PSI_FILE);
            // POLLPRI only on pressure: an idle host's wait ends by the timeout or, rarely, an event
            assertThat(source.await(wake[0], 20)).isIn(PressureSource.Wakeup.TIMEOUT, PressureSource.Wakeup.PRESSURE);
        }
    }

    @Test
    void withoutItsNulTheKernelLosesTheTriggersLastDigit() {
        assumeTrue(Files.isWritable(KERNEL_PSI), "PSI is enabled and /proc/pressure/memory is writable");
        byte[] bare = PressureOptions.DEFAULT_TRIGGER.format().getBytes(StandardCharsets.US_ASCII); // "… 2000000" read as "… 200000"

        assertThatThrownBy(() -> PressureSource.open(KERNEL_PSI, bare)).isInstanceOf(IOException.class)
                .hasMessageContaining("EINVAL");
    }

    @Test
    void aTriggerTheKernelRefusesIsNamedWithTheFile() {
        assumeTrue(Files.isWritable(KERNEL_PSI), "PSI is enabled and /proc/pressure/memory is writable");
        // a stall threshold larger than the window is invalid (kernel/sched/psi.c)
        byte[] bad = "some 3000000 2000000\0".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> PressureSource.open(KERNEL_PSI, bad)).isInstanceOf(IOException.class)
                .hasMessageContaining("trigger [some 3000000 2000000\\0]")
                .hasMessageContaining("[" + KERNEL_PSI + "]")
                .hasMessageContaining("EINVAL");
    }

    @Test
    void aDirectoryIsNoWatch() {
        assertThatThrownBy(() -> PressureSource.open(dir, new byte[0])).isInstanceOf(IOException.class)
                .hasMessageContaining("[" + dir + "] is neither a regular file, a FIFO nor a socket");
    }
}
