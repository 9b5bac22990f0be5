package io.servd.cgroup.unit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnitNameTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"foo.service", "system.slice", "-.slice", "system-getty.slice", "getty@tty1.service",
            "getty@.service", "session-2.scope", "dev-sda1.swap", "var-lib\\x2dfoo.mount", "a:b_c.d.socket",
            "user@1000.service", "x.target"})
    void accepts(String name) {
        assertThat(UnitName.of(name).name()).isEqualTo(name);
        assertThat(UnitName.isValid(name)).isTrue();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"../../etc/passwd", "a/b.service", "../x.service", "..", ".", "", ".service",
            "foo", "foo.exe", "foo.service/", "@foo.service", "foo bar.service", "foo\u0000.service",
            "foo.service\u0000", "föö.service", "foo\n.service"})
    void rejects(String name) {
        assertThat(UnitName.isValid(name)).isFalse();
        assertThatThrownBy(() -> UnitName.of(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid unit name [");
    }

    @Test
    void rejectsOver255Bytes() {
        String ok = "a".repeat(255 - ".service".length()) + ".service";
        assertThat(UnitName.isValid(ok)).isTrue();
        assertThat(UnitName.isValid("a" + ok)).isFalse();
        assertThatThrownBy(() -> UnitName.of("a" + ok)).hasMessageContaining("longer than 255 bytes");
    }

    @Test
    void namesNulEscaped() {
        assertThatThrownBy(() -> UnitName.of("a\u0000b.service")).hasMessageContaining("[a\\x00b.service]")
                .hasMessageContaining("invalid character [\\x00]");
    }

    @Test
    void knowsWhichTypesHaveCgroups() {
        assertThat(UnitName.of("foo.service").hasCgroup()).isTrue();
        assertThat(UnitName.of("foo.timer").hasCgroup()).isFalse();
        assertThat(UnitName.of("a-b.slice").type()).isEqualTo("slice");
    }
}
