package io.servd.netpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreferenceTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # configured   | parsed
            auto           | AUTO
            epoll          | EPOLL
            io_uring       | IO_URING
            # spellings seen in other projects' configs
            iouring        | IO_URING
            io-uring       | IO_URING
            kqueue         | KQUEUE
            ' NIO '        | NIO
            """)
    void parsesConfigValues(String value, Preference expected) {
        assertThat(Preference.parse(value)).isEqualTo(expected);
    }

    @Test
    void unknownValueIsNamedWithTheAcceptedOnes() {
        assertThatThrownBy(() -> Preference.parse("poll"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown transport [poll], expected one of [auto|epoll|io_uring|kqueue|nio]");
    }

    @Test
    void configValueRoundTrips() {
        for (Preference p : Preference.values()) {
            assertThat(Preference.parse(p.configValue())).isEqualTo(p);
        }
    }

    @Test
    void killSwitchPropertyOverridesConfiguredTransport() {
        NetpollConfig configured = NetpollConfig.defaults().withTransport(Preference.EPOLL);

        assertThat(configured.withSystemProperties(Map.of(NetpollConfig.TRANSPORT_PROPERTY, "nio")).transport())
                .isEqualTo(Preference.NIO);
        assertThat(configured.withSystemProperties(Map.of()).transport()).isEqualTo(Preference.EPOLL);
        assertThat(configured.withSystemProperties(Map.of(NetpollConfig.TRANSPORT_PROPERTY, " ")).transport())
                .isEqualTo(Preference.EPOLL);
    }

    @Test
    void badKillSwitchValueNamesTheProperty() {
        assertThatThrownBy(() -> NetpollConfig.defaults()
                .withSystemProperties(Map.of(NetpollConfig.TRANSPORT_PROPERTY, "select")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dservd.netpoll.transport")
                .hasMessageContaining("[select]");
    }
}
