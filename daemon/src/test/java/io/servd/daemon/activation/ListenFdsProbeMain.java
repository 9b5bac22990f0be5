package io.servd.daemon.activation;

import jnr.constants.platform.Fcntl;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** Child process for {@link ListenFdsActivateIT}: prints what it adopted, one fd per line. */
public final class ListenFdsProbeMain {

    private ListenFdsProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        POSIX posix = POSIXFactory.getNativePOSIX();
        ListenFds adopted = ListenFds.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
        for (ListenFds.ListenFd fd : adopted.fds()) {
            System.out.println(fd.fd() + " " + fd.name()
                    + " socket=" + posix.fstat(fd.fd()).isSocket()
                    + " cloexec=" + ((posix.fcntl(fd.fd(), Fcntl.F_GETFD) & 1) == 1));
        }
        System.out.println("end");
    }
}
