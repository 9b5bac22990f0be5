package io.servd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NotifyMessageTest {

    static Stream<Arguments> wireForms() {
        return Stream.of(
                Arguments.of(NotifyMessage.READY, "READY=1"),
                Arguments.of(NotifyMessage.STOPPING, "STOPPING=1"),
                Arguments.of(NotifyMessage.WATCHDOG, "WATCHDOG=1"),
                Arguments.of(NotifyMessage.WATCHDOG_TRIGGER, "WATCHDOG=trigger"),
                Arguments.of(new NotifyMessage.Status(""), "STATUS="),
                Arguments.of(new NotifyMessage.Status("ready: 4 loops, épée"), "STATUS=ready: 4 loops, épée"),
                Arguments.of(new NotifyMessage.Errno(0), "ERRNO=0"),
                Arguments.of(new NotifyMessage.MainPid(1), "MAINPID=1"),
                // truncated to whole microseconds
                Arguments.of(new NotifyMessage.ExtendTimeout(Duration.ofNanos(1_999)), "EXTEND_TIMEOUT_USEC=1"),
                Arguments.of(new NotifyMessage.Reloading(Duration.ZERO), "RELOADING=1\nMONOTONIC_USEC=0"),
                Arguments.of(new NotifyMessage.FdStoreRemove("control"), "FDSTOREREMOVE=1\nFDNAME=control"),
                Arguments.of(new NotifyMessage.Private("X_A1", "b=c"), "X_A1=b=c"),
                Arguments.of(new NotifyMessage.Plain("EXIT_STATUS=3"), "EXIT_STATUS=3"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("wireForms")
    void wireForm(NotifyMessage message, String wire) {
        assertThat(message.wire()).isEqualTo(wire);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Status("a\nREADY=1"),
                        "contains a newline or NUL [a\\nREADY=1]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Status("a\0b"), "[a\\0b]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Errno(-1), "negative errno [-1]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.MainPid(0), "invalid pid [0]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.ExtendTimeout(Duration.ofNanos(999)),
                        "below 1 µs [PT0.000000999S]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.ExtendTimeout(Duration.ofSeconds(-1)),
                        "below 1 µs [PT-1S]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Reloading(Duration.ofNanos(-1)),
                        "negative monotonic time"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Private("SERVD", "1"), "X_[A-Z0-9_]+ [SERVD]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Private("X_", "1"), "[X_]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Plain("READY"), "not a KEY=VALUE assignment [READY]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.Plain("ready=1"), "[A-Z0-9_]+ [ready]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.FdStoreRemove("a:b"), "without ':' [a:b]"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.FdStoreRemove(""), "1 to 255 characters []"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.FdStoreRemove("x".repeat(256)), "1 to 255"),
                Arguments.of((Supplier<?>) () -> new NotifyMessage.FdStoreRemove("tab\there"), "printable ASCII"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalid")
    void rejectsInvalidValues(Supplier<?> construction, String fragment) {
        assertThatThrownBy(construction::get)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fragment);
    }
}
