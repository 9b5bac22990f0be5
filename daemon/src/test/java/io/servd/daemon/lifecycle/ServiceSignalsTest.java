package io.servd.daemon.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.daemon.lifecycle.ServiceSignals.Request;
import org.junit.jupiter.api.Test;

/** The request logic behind the handlers; real signals are raised in ServdTest. */
class ServiceSignalsTest {
    private final ServiceSignals signals = new ServiceSignals();

    @Test
    void hangupsWhileAReloadIsPendingCollapseIntoOne() throws InterruptedException {
        signals.received("SIGHUP");
        signals.received("SIGHUP");
        assertThat(signals.next()).isEqualTo(Request.RELOAD);
        signals.received("SIGHUP"); // after the reload was taken: a new one
        signals.received("SIGTERM");
        assertThat(signals.next()).isEqualTo(Request.RELOAD);
        assertThat(signals.next()).isEqualTo(Request.STOP);
        assertThat(signals.stopSignal()).isEqualTo("SIGTERM");
    }

    @Test
    void repeatedSigtermAndLateHangupAreIgnored() throws InterruptedException {
        signals.received("SIGTERM");
        signals.received("SIGTERM");
        signals.received("SIGHUP");
        assertThat(signals.next()).isEqualTo(Request.STOP);
    }
}
