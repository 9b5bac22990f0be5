package io.servd.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.servd.daemon.notify.MonotonicClock;
import io.servd.daemon.notify.Notifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> sent = new ArrayList<>();
    private final Notifier recording = Notifier.of(datagram -> {
        sent.add(StandardCharsets.UTF_8.decode(datagram).toString());
    }, MonotonicClock.system());
    private final Notifier failing = Notifier.of(datagram -> {
        throw new IOException("connection refused");
    }, MonotonicClock.system());

    @Test
    void readyAndStoppingTellSystemdInOneDatagramEach() throws IOException {
        var lifecycle = new Lifecycle(recording);
        lifecycle.ready("serving on http://127.0.0.1:9470");
        lifecycle.stopping("draining");
        lifecycle.stopped();
        assertThat(sent).containsExactly("READY=1\nSTATUS=serving on http://127.0.0.1:9470", "STOPPING=1\nSTATUS=draining");
        assertThat(lifecycle.state()).isEqualTo(State.STOPPED);
    }

    @Test
    void readyFailureIsFatalAndLeavesTheStateStarting() {
        var lifecycle = new Lifecycle(failing);
        assertThatThrownBy(() -> lifecycle.ready("x")).isInstanceOf(IOException.class).hasMessageContaining("refused");
        assertThat(lifecycle.state()).isEqualTo(State.STARTING);
    }

    @Test
    void stoppingAndStatusFailuresAreWarningsOnly() throws IOException {
        var lifecycle = new Lifecycle(failing);
        lifecycle.status("still fine");
        lifecycle.stopping("draining");
        assertThat(lifecycle.state()).isEqualTo(State.STOPPING);
    }

    @Test
    void illegalTransitionsAreRefused() throws IOException {
        var lifecycle = new Lifecycle(recording);
        assertThatThrownBy(lifecycle::stopped).isInstanceOf(IllegalStateException.class)
                .hasMessage("illegal transition [STARTING -> STOPPED]");
        lifecycle.stopping("early stop");
        assertThatThrownBy(() -> lifecycle.ready("late")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("illegal transition [STOPPING -> READY]");
        assertThat(sent).containsExactly("STOPPING=1\nSTATUS=early stop");
    }
}
