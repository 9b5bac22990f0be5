package io.servd.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # value              | formatted back
        127.0.0.1:9470       | 127.0.0.1:9470
        0.0.0.0:80           | 0.0.0.0:80
        # empty host and localhost mean loopback, without a DNS lookup
        :9470                | 127.0.0.1:9470
        localhost:1          | 127.0.0.1:1
        [::1]:9470           | [0:0:0:0:0:0:0:1]:9470
        # port 0: the kernel picks one (tests)
        127.0.0.1:0          | 127.0.0.1:0
        """)
    void parsesListenAddresses(String value, String expected) {
        assertThat(Config.format(Config.parseListen(value, "--listen"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # value              | message fragment
        9470                 | expected host:port, got [9470]
        127.0.0.1:http       | port is not a number in [127.0.0.1:http]
        127.0.0.1:65536      | port out of range 0-65535 in [127.0.0.1:65536]
        127.0.0.1:-1         | port out of range 0-65535 in [127.0.0.1:-1]
        # host names would need DNS at start-up: refused
        example.com:80       | host must be a literal IP address or localhost in [example.com:80]
        999.1.1.1:80         | not an IP address in [999.1.1.1:80]
        """)
    void rejectsBadListenAddressesNamingValueAndOrigin(String value, String fragment) {
        assertThatThrownBy(() -> Config.parseListen(value, "--listen"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--listen: ")
                .hasMessageContaining(fragment);
    }
}
