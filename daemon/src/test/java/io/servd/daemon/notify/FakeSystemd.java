package io.servd.daemon.notify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.constants.platform.SocketControlMessage;
import jnr.constants.platform.SocketLevel;
import jnr.posix.CmsgHdr;
import jnr.posix.MsgHdr;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketOptions;

/**
 * The receiving end of NOTIFY_SOCKET, as systemd binds it: a real AF_UNIX datagram socket at a
 * path or abstract name. Receives with {@code recvmsg(2)} so that SCM_RIGHTS fds arrive too.
 */
public final class FakeSystemd implements AutoCloseable {

    public static final POSIX POSIX = POSIXFactory.getNativePOSIX();

    /** One datagram: its text and the fds that came with it (now open in this process). */
    public record Datagram(byte[] bytes, List<Integer> fds) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final UnixDatagramChannel channel;
    private final String notifySocket;

    private FakeSystemd(UnixDatagramChannel channel, String notifySocket) {
        this.channel = channel;
        this.notifySocket = notifySocket;
    }

    /** Binds at {@code notifySocket}, in NOTIFY_SOCKET syntax ({@code /path} or {@code @name}). */
    public static FakeSystemd bind(String notifySocket) throws IOException {
        String sunPath = notifySocket.startsWith("@") ? "\0" + notifySocket.substring(1) : notifySocket;
        UnixDatagramChannel channel = UnixDatagramChannel.open();
        channel.bind(new UnixSocketAddress(sunPath));
        channel.setOption(UnixSocketOptions.SO_RCVTIMEO, 5_000);
        return new FakeSystemd(channel, notifySocket);
    }

    public String notifySocket() {
        return notifySocket;
    }

    /** The address the kernel reports for our socket ({@code getsockname}, exact length). */
    String boundSunPath() {
        return channel.getLocalSocketAddress().path();
    }

    /**
     * The next datagram; fails after the 5 s receive timeout. Uses jnr-posix's recvmsg on purpose
     * (not our {@code ScmRights}), so the receiving side is independent of the code under test.
     * jnr-posix keeps the iovec in memory only native code references; harmless for a test's
     * short-lived call, and the reason production code does not use it.
     */
    public Datagram receive() throws IOException {
        ByteBuffer data = ByteBuffer.allocateDirect(1 << 20);
        MsgHdr msg = POSIX.allocateMsgHdr();
        msg.setIov(new ByteBuffer[] {data});
        msg.allocateControl(Integer.BYTES * 16);
        int n = POSIX.recvmsg(channel.getFD(), msg, 0);
        if (n < 0) {
            throw new IOException("recvmsg failed [errno=" + POSIX.errno() + "]");
        }
        byte[] bytes = new byte[n];
        data.get(0, bytes);
        List<Integer> fds = new ArrayList<>();
        for (CmsgHdr c : msg.getControls()) {
            if (c.getLevel() == SocketLevel.SOL_SOCKET.intValue()
                    && c.getType() == SocketControlMessage.SCM_RIGHTS.intValue()) {
                ByteBuffer fdBytes = c.getData().order(ByteOrder.nativeOrder());
                while (fdBytes.remaining() >= Integer.BYTES) {
                    fds.add(fdBytes.getInt());
                }
            }
        }
        return new Datagram(bytes, List.copyOf(fds));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
