package io.servd.daemon.notify;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import jnr.constants.platform.SocketControlMessage;
import jnr.constants.platform.SocketLevel;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.StructLayout;

/**
 * One {@code sendmsg(2)} of a datagram with file descriptors attached as {@code SCM_RIGHTS}, to an
 * explicit address. Every native buffer is held by a Java local until the call returns.
 */
final class ScmRights {

    /** {@code SCM_MAX_FD}: the kernel refuses more fds in one message. */
    static final int MAX_FDS = 253;

    private ScmRights() {
    }

    /** {@code struct msghdr}. */
    private static final class Msghdr extends StructLayout {
        final StructLayout.Pointer name = new StructLayout.Pointer();
        final socklen_t namelen = new socklen_t();
        final StructLayout.Pointer iov = new StructLayout.Pointer();
        final size_t iovlen = new size_t();
        final StructLayout.Pointer control = new StructLayout.Pointer();
        final size_t controllen = new size_t();
        final Signed32 flags = new Signed32();

        Msghdr(Runtime runtime) {
            super(runtime);
        }
    }

    /** {@code struct iovec}. */
    private static final class Iovec extends StructLayout {
        final StructLayout.Pointer base = new StructLayout.Pointer();
        final size_t len = new size_t();

        Iovec(Runtime runtime) {
            super(runtime);
        }
    }

    /** {@code struct cmsghdr}; its data starts at {@code CMSG_ALIGN(sizeof(struct cmsghdr))}. */
    private static final class Cmsghdr extends StructLayout {
        final size_t len = new size_t();
        final Signed32 level = new Signed32();
        final Signed32 type = new Signed32();

        Cmsghdr(Runtime runtime) {
            super(runtime);
        }
    }

    /**
     * Sends {@code datagram}'s remaining bytes to {@code sockaddr} over socket {@code socketFd},
     * with {@code fds} (1 to {@link #MAX_FDS}) duplicated into the receiver.
     *
     * @throws IOException with the errno name if the kernel refused the message
     */
    static void send(int socketFd, byte[] sockaddr, ByteBuffer datagram, int[] fds) throws IOException {
        if (fds.length < 1 || fds.length > MAX_FDS) {
            throw new IllegalArgumentException("need 1 to " + MAX_FDS + " fds [" + fds.length + "]");
        }
        for (int fd : fds) {
            if (fd < 0) {
                throw new IllegalArgumentException("negative fd [" + fd + "]");
            }
        }
        Runtime rt = LinuxLibc.runtime();
        int longSize = rt.longSize(); // CMSG_ALIGN aligns to sizeof(size_t) == sizeof(long) on Linux

        byte[] bytes = new byte[datagram.remaining()];
        datagram.duplicate().get(bytes);
        Pointer data = Memory.allocateDirect(rt, Math.max(1, bytes.length), true);
        data.put(0, bytes, 0, bytes.length);

        Pointer name = Memory.allocateDirect(rt, sockaddr.length, true);
        name.put(0, sockaddr, 0, sockaddr.length);

        Iovec iovLayout = new Iovec(rt);
        Pointer iov = Memory.allocateDirect(rt, iovLayout.size(), true);
        iovLayout.base.set(iov, data);
        iovLayout.len.set(iov, bytes.length);

        Cmsghdr cmsgLayout = new Cmsghdr(rt);
        int dataOffset = align(cmsgLayout.size(), longSize);
        int fdBytes = fds.length * Integer.BYTES;
        int space = dataOffset + align(fdBytes, longSize); // CMSG_SPACE
        Pointer control = Memory.allocateDirect(rt, space, true);
        cmsgLayout.len.set(control, dataOffset + fdBytes); // CMSG_LEN
        cmsgLayout.level.set(control, SocketLevel.SOL_SOCKET.intValue());
        cmsgLayout.type.set(control, SocketControlMessage.SCM_RIGHTS.intValue());
        control.put(dataOffset, fds, 0, fds.length);

        Msghdr msgLayout = new Msghdr(rt);
        Pointer msg = Memory.allocateDirect(rt, msgLayout.size(), true);
        msgLayout.name.set(msg, name);
        msgLayout.namelen.set(msg, sockaddr.length);
        msgLayout.iov.set(msg, iov);
        msgLayout.iovlen.set(msg, 1);
        msgLayout.control.set(msg, control);
        msgLayout.controllen.set(msg, space);

        long sent = LinuxLibc.functions().sendmsg(socketFd, msg, LinuxLibc.MSG_NOSIGNAL);
        String error = sent < 0 ? LinuxLibc.lastErrno() : null;
        Reference.reachabilityFence(data);
        Reference.reachabilityFence(name);
        Reference.reachabilityFence(iov);
        Reference.reachabilityFence(control);
        Reference.reachabilityFence(msg);
        if (error != null) {
            throw new IOException("sendmsg with [" + fds.length + "] fds failed: " + error);
        }
        if (sent != bytes.length) {
            throw new IOException("short sendmsg: sent [" + sent + "] of [" + bytes.length + "] bytes");
        }
    }

    private static int align(int n, int to) {
        return (n + to - 1) / to * to;
    }
}
