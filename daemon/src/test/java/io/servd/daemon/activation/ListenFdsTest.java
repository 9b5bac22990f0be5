package io.servd.daemon.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jnr.constants.platform.Fcntl;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenFdsTest {

    private static final long PID = 4242;

    private final List<Integer> cloexec = new ArrayList<>();
    private final CloseOnExec recording = cloexec::add;

    private static Map<String, String> env(String pid, String fds, String names) {
        Map<String, String> env = new HashMap<>();
        if (pid != null) {
            env.put("LISTEN_PID", pid);
        }
        if (fds != null) {
            env.put("LISTEN_FDS", fds);
        }
        if (names != null) {
            env.put("LISTEN_FDNAMES", names);
        }
        return env;
    }

    @ParameterizedTest(name = "LISTEN_PID={0} LISTEN_FDS={1} LISTEN_FDNAMES={2}")
    @CsvSource(delimiter = '|', nullValues = "-", quoteCharacter = '"', textBlock = """
            # LISTEN_PID | LISTEN_FDS | LISTEN_FDNAMES     | expected fd=name list
            4242         | 2          | http:control       | 3=http 4=control
            # names absent: every fd is "unknown"
            4242         | 2          | -                  | 3=unknown 4=unknown
            # empty names are kept, not coalesced
            4242         | 3          | http::control      | "3=http 4= 5=control"
            # FDSTORE may give several fds one name
            4242         | 2          | http:http          | 3=http 4=http
            """)
    void adoptsFdsFromThree(String pid, String fds, String names, String expected) throws ListenFdsException {
        ListenFds adopted = ListenFds.fromEnvironment(env(pid, fds, names), PID, recording);

        assertThat(adopted.fds()).extracting(f -> f.fd() + "=" + f.name())
                .containsExactly(expected.split(" "));
        assertThat(cloexec).containsExactlyElementsOf(adopted.fds().stream().map(ListenFds.ListenFd::fd).toList());
    }

    @ParameterizedTest(name = "LISTEN_PID={0} LISTEN_FDS={1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # LISTEN_PID | LISTEN_FDS
            # not socket-activated
            -            | -
            # variables meant for our parent (we were forked or exec'd with its environment)
            1            | 2
            # LISTEN_PID without LISTEN_FDS
            4242         | -
            # LISTEN_FDS without LISTEN_PID is ignored like sd_listen_fds does
            -            | 2
            """)
    void nothingPassedToUsIsANormalResult(String pid, String fds) throws ListenFdsException {
        ListenFds adopted = ListenFds.fromEnvironment(env(pid, fds, "http:control"), PID, recording);

        assertThat(adopted.isEmpty()).isTrue();
        assertThat(cloexec).isEmpty();
    }

    @ParameterizedTest(name = "LISTEN_PID={0} LISTEN_FDS={1} LISTEN_FDNAMES={2}")
    @CsvSource(delimiter = '|', nullValues = "-", quoteCharacter = '"', textBlock = """
            # LISTEN_PID | LISTEN_FDS | LISTEN_FDNAMES | message fragment
            abc          | 2          | -              | unparseable LISTEN_PID [abc]
            0            | 2          | -              | LISTEN_PID must be positive [0]
            4242         | two        | -              | unparseable LISTEN_FDS [two]
            4242         | 0          | -              | LISTEN_FDS must be positive [0]
            4242         | -1         | -              | LISTEN_FDS must be positive [-1]
            4242         | 9999999999 | -              | LISTEN_FDS out of range [9999999999]
            # count mismatch rejects the whole set
            4242         | 2          | http           | [1] names for LISTEN_FDS=[2] fds, rejecting all of them: LISTEN_FDNAMES=[http]
            4242         | 1          | http:control   | [2] names for LISTEN_FDS=[1]
            4242         | 1          | ""             | [0] names for LISTEN_FDS=[1]
            """)
    void rejectsTheWholeSet(String pid, String fds, String names, String fragment) {
        assertThatThrownBy(() -> ListenFds.fromEnvironment(env(pid, fds, names), PID, recording))
                .isInstanceOf(ListenFdsException.class)
                .hasMessageContaining(fragment);
        assertThat(cloexec).isEmpty();
    }

    @Test
    void fdThatIsNotOpenRejectsTheSet() {
        CloseOnExec failing = fd -> {
            if (fd == 4) {
                throw new IOException("Bad file descriptor");
            }
        };
        assertThatThrownBy(() -> ListenFds.fromEnvironment(env("4242", "2", "http:control"), PID, failing))
                .isInstanceOf(ListenFdsException.class)
                .hasMessageContaining("LISTEN_FDS=[2] but fd [4] (control) is unusable: Bad file descriptor");
    }

    @Test
    void looksUpByName() throws ListenFdsException {
        ListenFds adopted = ListenFds.fromEnvironment(env("4242", "3", "http:control:http"), PID, recording);

        assertThat(adopted.single("control")).contains(new ListenFds.ListenFd(4, "control"));
        assertThat(adopted.single("metrics")).isEmpty();
        assertThat(adopted.named("http")).extracting(ListenFds.ListenFd::fd).containsExactly(3, 5);
        assertThatThrownBy(() -> adopted.single("http"))
                .isInstanceOf(ListenFdsException.class)
                .hasMessageContaining("[2] fds named [http]");
    }

    @Test
    void scrubsChildEnvironment() {
        Map<String, String> child = new LinkedHashMap<>(env("4242", "2", "http:control"));
        child.put("PATH", "/usr/bin");

        assertThat(ListenFds.removeFrom(child)).containsOnlyKeys("PATH");
    }

    @Test
    void systemCloseOnExecSetsTheFlagOnARealFd() throws IOException {
        POSIX posix = POSIXFactory.getNativePOSIX();
        int[] pipe = new int[2];
        assertThat(posix.pipe(pipe)).isZero();
        try {
            posix.fcntlInt(pipe[0], Fcntl.F_SETFD, 0);
            assertThat(posix.fcntl(pipe[0], Fcntl.F_GETFD) & 1).isZero();

            CloseOnExec.system().set(pipe[0]);

            assertThat(posix.fcntl(pipe[0], Fcntl.F_GETFD) & 1).isEqualTo(1);
        } finally {
            posix.close(pipe[0]);
            posix.close(pipe[1]);
        }
        assertThatThrownBy(() -> CloseOnExec.system().set(999_999))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("fd [999999]");
    }
}
