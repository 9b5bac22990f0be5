package io.servd.daemon.activation;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.testsupport.NearMiss;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code LISTEN_PID}/{@code LISTEN_FDS}/{@code LISTEN_FDNAMES} as systemd sets them, then near misses of
 * one variable or a variable dropped (issue 12 item 6): either the set is adopted, fds from 3 in order,
 * or {@link ListenFdsException} names a variable and its raw value in brackets; nothing else escapes.
 */
class ListenFdsFuzzTest {

    private static final long PID = 4242;
    /** Like the kernel: fds 3..6 are open, fcntl on any other fails with EBADF. */
    private static final int OPEN_FDS = 4;
    private static final CloseOnExec FOUR_OPEN = fd -> {
        if (fd >= ListenFds.SD_LISTEN_FDS_START + OPEN_FDS) {
            throw new IOException("Bad file descriptor");
        }
    };

    @Property
    void adoptsOrRejectsNamingTheVariableAndItsValue(@ForAll("environments") Map<String, String> env) {
        ListenFds adopted;
        try {
            adopted = ListenFds.fromEnvironment(env, PID, FOUR_OPEN);
        } catch (ListenFdsException e) {
            assertThat(ListenFds.ENVIRONMENT_VARIABLES).as("a variable named with its raw value: %s", e.getMessage())
                    .anyMatch(v -> env.containsKey(v) && e.getMessage().contains(v)
                            && e.getMessage().contains("[" + env.get(v) + "]"));
            return;
        }
        if (adopted.isEmpty()) {
            return; // not for us, or nothing passed: a normal result
        }
        // as systemd's safe_atoi reads them: ASCII digits (Long.parseLong also reads other scripts' digits)
        assertThat(env.get("LISTEN_PID")).matches("[+]?[0-9]+");
        assertThat(env.get("LISTEN_FDS")).matches("[+]?[0-9]+");
        assertThat(adopted.fds()).extracting(ListenFds.ListenFd::fd)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(3, 3 + adopted.fds().size()).boxed().toList());
        assertThat((long) adopted.fds().size()).isEqualTo(Long.parseLong(env.get("LISTEN_FDS")));
        if (env.containsKey("LISTEN_FDNAMES")) {
            assertThat(String.join(":", adopted.fds().stream().map(ListenFds.ListenFd::name).toList()))
                    .isEqualTo(env.get("LISTEN_FDNAMES"));
        }
    }

    /** Found by this class: a count near 2^31 allocated a list that large (OutOfMemoryError) before the first fcntl. */
    @Property(tries = 200)
    void anyCountIsAdoptedOrRejectedWithoutAllocatingForIt(
            @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE - ListenFds.SD_LISTEN_FDS_START) int count) {
        Map<String, String> env = Map.of("LISTEN_PID", Long.toString(PID), "LISTEN_FDS", Integer.toString(count));
        try {
            assertThat(ListenFds.fromEnvironment(env, PID, FOUR_OPEN).fds()).hasSize(count);
        } catch (ListenFdsException e) {
            assertThat(count).isGreaterThan(OPEN_FDS);
            assertThat(e.getMessage()).startsWith("LISTEN_FDS=[" + count + "] but fd [" + (3 + OPEN_FDS) + "]");
        }
    }

    @Provide
    Arbitrary<Map<String, String>> environments() {
        Arbitrary<List<String>> names = Arbitraries.of("http", "control", "", "unknown", "a:b")
                .list().ofMinSize(1).ofMaxSize(OPEN_FDS);
        Arbitrary<Map<String, String>> valid = Combinators.combine(names, Arbitraries.of(PID, PID, 1L, PID + 1))
                .as((n, pid) -> {
                    Map<String, String> env = new HashMap<>();
                    env.put("LISTEN_PID", Long.toString(pid));
                    env.put("LISTEN_FDS", Integer.toString(n.size()));
                    env.put("LISTEN_FDNAMES", String.join(":", n));
                    return env;
                });
        return valid.flatMap(NearMiss::ofOneEntry);
    }
}
