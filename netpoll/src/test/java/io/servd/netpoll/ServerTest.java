package io.servd.netpoll;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ServerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # InetAddress.getHostAddress()   | short form
            0:0:0:0:0:0:0:1                  | ::1
            0:0:0:0:0:0:0:0                  | ::
            fe80:0:0:0:0:0:0:1%lo            | fe80::1%lo
            2001:db8:0:0:1:0:0:1             | 2001:db8::1:0:0:1
            # a single zero group stays
            2001:db8:0:1:1:1:1:1             | 2001:db8:0:1:1:1:1:1
            """)
    void compressesIpv6LikeRfc5952(String full, String expected) {
        assertThat(Server.compressIpv6(full)).isEqualTo(expected);
    }
}
