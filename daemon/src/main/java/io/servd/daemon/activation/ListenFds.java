package io.servd.daemon.activation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file descriptors systemd passed to this process, in order, with their names.
 *
 * <p>Rules, as {@code sd_listen_fds_with_names(3)}: the set is ours only if {@code LISTEN_PID}
 * equals our pid (otherwise it was meant for a parent and is ignored: {@link #none()}); fds are
 * numbered from {@link #SD_LISTEN_FDS_START}; {@code LISTEN_FDNAMES} is split on {@code ':'} (empty
 * names kept) and must have exactly {@code LISTEN_FDS} entries, else the whole set is rejected;
 * without {@code LISTEN_FDNAMES} every fd is named {@value #UNKNOWN}; each fd gets
 * {@code FD_CLOEXEC}.
 *
 * <p>"Unset the variables after use": a JVM cannot remove variables from its own environment —
 * {@code System.getenv()} and {@code ProcessBuilder} work on a copy taken at start-up, so
 * {@code unsetenv(3)} would not reach them. For us it therefore means: nothing reads these
 * variables after {@link #fromEnvironment} (it runs once, in {@code main}), and every process we
 * spawn gets an environment scrubbed with {@link #removeFrom(Map)}. {@code LISTEN_PID} already
 * makes a child that sees them ignore them.
 *
 * @param fds the adopted fds in {@code LISTEN_FDS} order; empty when none were passed to us
 * @see <a href="https://www.freedesktop.org/software/systemd/man/latest/sd_listen_fds.html">sd_listen_fds(3)</a>
 */
public record ListenFds(List<ListenFd> fds) {

    /** The first passed fd ({@code SD_LISTEN_FDS_START}). */
    public static final int SD_LISTEN_FDS_START = 3;
    /** The name of an fd when {@code LISTEN_FDNAMES} is absent. */
    public static final String UNKNOWN = "unknown";
    /** The variables systemd sets for socket activation; scrub them from children's environment. */
    public static final List<String> ENVIRONMENT_VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    private static final Logger log = LoggerFactory.getLogger(ListenFds.class);

    /** One passed fd: its number ({@code >= 3}) and its name (possibly empty or {@value #UNKNOWN}). */
    public record ListenFd(int fd, String name) {
        public ListenFd {
            Objects.requireNonNull(name, "name");
            if (fd < SD_LISTEN_FDS_START) {
                throw new IllegalArgumentException("listen fd below " + SD_LISTEN_FDS_START + " [" + fd + "]");
            }
        }
    }

    public ListenFds {
        fds = List.copyOf(fds);
    }

    /** No fds passed (not socket-activated, or the variables were meant for another process). */
    public static ListenFds none() {
        return new ListenFds(List.of());
    }

    /**
     * Reads {@code LISTEN_PID}, {@code LISTEN_FDS} and {@code LISTEN_FDNAMES} from {@code env} and
     * marks each fd close-on-exec. Call once, from {@code main}, with {@code System.getenv()} and
     * {@code ProcessHandle.current().pid()}.
     *
     * @return {@link #none()} if {@code LISTEN_PID} or {@code LISTEN_FDS} is unset, or
     *     {@code LISTEN_PID} names another process
     * @throws ListenFdsException if a variable is unparseable ({@code LISTEN_PID}, or
     *     {@code LISTEN_FDS} not a positive integer), the name count differs from the fd count, or
     *     an fd is not open; no fd of the set is then adopted
     */
    public static ListenFds fromEnvironment(Map<String, String> env, long pid) throws ListenFdsException {
        return fromEnvironment(env, pid, CloseOnExec.system());
    }

    /** {@link #fromEnvironment(Map, long)} with an injected {@code FD_CLOEXEC} setter (tests). */
    public static ListenFds fromEnvironment(Map<String, String> env, long pid, CloseOnExec closeOnExec)
            throws ListenFdsException {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(closeOnExec, "closeOnExec");
        String rawPid = env.get("LISTEN_PID");
        if (rawPid == null) {
            return none();
        }
        long listenPid = parsePositive("LISTEN_PID", rawPid);
        if (listenPid != pid) {
            log.debug("ignoring LISTEN_FDS: LISTEN_PID [{}] is not our pid [{}]", rawPid, pid);
            return none();
        }
        String rawCount = env.get("LISTEN_FDS");
        if (rawCount == null) {
            return none();
        }
        long count = parsePositive("LISTEN_FDS", rawCount);
        if (count > Integer.MAX_VALUE - SD_LISTEN_FDS_START) {
            throw new ListenFdsException("LISTEN_FDS out of range [" + rawCount + "]");
        }
        List<String> names = names(env.get("LISTEN_FDNAMES"), (int) count);
        // Not sized by LISTEN_FDS: a count near 2^31 would allocate that many slots before the first
        // fcntl fails on an fd that is not open.
        List<ListenFd> fds = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int fd = SD_LISTEN_FDS_START + i;
            try {
                closeOnExec.set(fd);
            } catch (IOException e) {
                throw new ListenFdsException("LISTEN_FDS=[" + rawCount + "] but fd [" + fd + "] ("
                        + names.get(i) + ") is unusable: " + e.getMessage(), e);
            }
            fds.add(new ListenFd(fd, names.get(i)));
        }
        return new ListenFds(fds);
    }

    private static List<String> names(String rawNames, int count) throws ListenFdsException {
        if (rawNames == null) {
            return java.util.Collections.nCopies(count, UNKNOWN);
        }
        // split(":", -1) keeps empty names, like systemd's EXTRACT_DONT_COALESCE_SEPARATORS; an
        // empty variable holds no names at all.
        List<String> names = rawNames.isEmpty() ? List.of() : Arrays.asList(rawNames.split(":", -1));
        if (names.size() != count) {
            throw new ListenFdsException("LISTEN_FDNAMES has [" + names.size() + "] names for LISTEN_FDS=["
                    + count + "] fds, rejecting all of them: LISTEN_FDNAMES=[" + rawNames + "]");
        }
        return names;
    }

    private static long parsePositive(String variable, String raw) throws ListenFdsException {
        // Long.parseLong also reads non-ASCII digits (Arabic-Indic, fullwidth); systemd's safe_atoi does not.
        if (raw.chars().anyMatch(c -> c > 127)) {
            throw new ListenFdsException("unparseable " + variable + " [" + raw + "]");
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ListenFdsException("unparseable " + variable + " [" + raw + "]", e);
        }
        if (value <= 0) {
            throw new ListenFdsException(variable + " must be positive [" + raw + "]");
        }
        return value;
    }

    /** Whether no fds were passed. */
    public boolean isEmpty() {
        return fds.isEmpty();
    }

    /** The fds named {@code name}, in order (an {@code FDSTORE} name may carry several). */
    public List<ListenFd> named(String name) {
        Objects.requireNonNull(name, "name");
        return fds.stream().filter(f -> f.name().equals(name)).toList();
    }

    /**
     * The single fd named {@code name}, e.g. {@code http} or {@code control}.
     *
     * @return empty if none has that name
     * @throws ListenFdsException if several have it (ambiguous: which one to serve on?)
     */
    public Optional<ListenFd> single(String name) throws ListenFdsException {
        List<ListenFd> matching = named(name);
        if (matching.size() > 1) {
            throw new ListenFdsException("[" + matching.size() + "] fds named [" + name + "], expected one: " + matching);
        }
        return matching.stream().findFirst();
    }

    /**
     * Removes the socket-activation variables from {@code childEnvironment} (e.g.
     * {@code ProcessBuilder.environment()}), which is what "unset after use" means for a JVM.
     *
     * @return {@code childEnvironment}
     */
    public static Map<String, String> removeFrom(Map<String, String> childEnvironment) {
        childEnvironment.keySet().removeAll(ENVIRONMENT_VARIABLES);
        return childEnvironment;
    }
}
