package io.servd.netpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransportTest {

    @Test
    void nioIsAlwaysAvailable() {
        Transport nio = Transport.of(Preference.NIO);
        assertThat(nio.isAvailable()).isTrue();
        assertThat(nio.isNative()).isFalse();
        assertThat(nio.unavailabilityCause()).isEmpty();
        nio.ensureAvailable();
    }

    @Test
    void explicitNioIsChosenWithoutProbingNatives() {
        TransportSelection s = Transport.detect(NetpollConfig.defaults().withTransport(Preference.NIO));
        assertThat(s.transport().name()).isEqualTo("nio");
        assertThat(s.requested()).isEqualTo(Preference.NIO);
        assertThat(s.skipped()).isEmpty();
    }

    @Test
    void autoIsNotATransport() {
        assertThatThrownBy(() -> Transport.of(Preference.AUTO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[auto]");
    }

    @Test
    void allListsEveryTransportInAutoOrder() {
        assertThat(Transport.all()).extracting(Transport::name).containsExactly("epoll", "io_uring", "kqueue", "nio");
    }

    @Test
    void unavailableTransportKeepsItsCause() {
        for (Transport t : Transport.all()) {
            assertThat(t.isAvailable()).as(t.name()).isEqualTo(t.unavailabilityCause().isEmpty());
        }
    }

    /** The Linux x86_64 native jars ship with netpoll, so on such a host epoll must load. */
    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void autoPicksEpollOnLinux() {
        TransportSelection s = Transport.detect(NetpollConfig.defaults());
        assertThat(s.transport().name()).isEqualTo("epoll");
        assertThat(s.transport().supportsFdAdoption(SocketFamily.TCP)).isTrue();
        assertThat(s.transport().supportsFdAdoption(SocketFamily.UNIX)).isTrue();
        assertThat(s.skipped()).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void explicitKqueueOnLinuxFailsNamingTransportAndCause() {
        assertThatThrownBy(() -> Transport.detect(NetpollConfig.defaults().withTransport(Preference.KQUEUE)))
                .isInstanceOf(TransportUnavailableException.class)
                .hasMessageStartingWith("transport [kqueue] unavailable: ")
                .hasCauseInstanceOf(Throwable.class)
                .satisfies(e -> assertThat(((TransportUnavailableException) e).transport()).isEqualTo("kqueue"));
    }

    @Test
    void autoSkipsUnavailableNativesInOrderKeepingEachCause() {
        var noEpoll = new UnsatisfiedLinkError("failed to load the required native library");
        var noUring = new UnsupportedOperationException("io_uring_setup: Operation not permitted");
        TransportSelection s = Transport.detect(NetpollConfig.defaults(), p -> switch (p) {
            case EPOLL -> new EpollTransport(Optional.of(noEpoll));
            case IO_URING -> new IoUringTransport(Optional.of(noUring));
            default -> Transport.of(p);
        });

        assertThat(s.transport().name()).isEqualTo(OS.current() == OS.MAC ? "kqueue" : "nio");
        assertThat(s.skipped()).extracting(TransportSelection.Skipped::transport)
                .startsWith("epoll", "io_uring");
        assertThat(s.skipped().get(0).cause()).isSameAs(noEpoll);
        assertThat(s.skipped().get(1).reason()).isEqualTo("io_uring_setup: Operation not permitted");
    }

    @Test
    void autoStopsAtFirstAvailableWithoutProbingTheRest() {
        List<Preference> probed = new ArrayList<>();
        TransportSelection s = Transport.detect(NetpollConfig.defaults(), p -> {
            probed.add(p);
            return p == Preference.EPOLL ? new EpollTransport(Optional.empty()) : Transport.of(p);
        });

        assertThat(s.transport().name()).isEqualTo("epoll");
        assertThat(probed).containsExactly(Preference.EPOLL);
    }

    @Test
    void skippedCarriesAOneLineReason() {
        var skipped = new TransportSelection.Skipped("io_uring",
                new IllegalStateException("wrapper", new UnsupportedOperationException("kernel too old")));
        assertThat(skipped.reason()).isEqualTo("wrapper");
        assertThat(new TransportSelection.Skipped("x", new RuntimeException()).reason())
                .isEqualTo("java.lang.RuntimeException");
    }
}
