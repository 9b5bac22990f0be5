package io.servd.agent.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BearerTokenTest {
    /** 33 bytes: over {@link BearerToken#MIN_BYTES}. */
    static final String SECRET = "abc123-0123456789abcdef0123456789";

    @TempDir
    Path tmp;

    /** A token file as the package asks for it: mode 0600. */
    private Path secretFile(String name, String content) throws IOException {
        Path file = Files.writeString(tmp.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    @Test
    void readsTheFileWithoutTrailingNewline() throws IOException {
        Path file = secretFile("token", SECRET + "\n");
        BearerToken token = BearerToken.read(file);
        assertThat(token.matches("Bearer " + SECRET)).isTrue();
        assertThat(token.matches("bearer " + SECRET)).as("scheme is case-insensitive (RFC 9110)").isTrue();
        assertThat(token.matches("Bearer " + SECRET + "4")).isFalse();
        assertThat(token.matches("Bearer " + SECRET.substring(0, SECRET.length() - 1))).isFalse();
        assertThat(token.matches("Basic " + SECRET)).isFalse();
        assertThat(token.matches("Bearer")).isFalse();
        assertThat(token.matches(null)).isFalse();
        assertThat(token.toString()).doesNotContain("abc123");
    }

    @Test
    void refusesEmptyOrSpacedTokens() throws IOException {
        Path empty = secretFile("empty", " \n");
        assertThatThrownBy(() -> BearerToken.read(empty)).hasMessageContaining("token file is empty [" + empty + "]");
        Path spaced = secretFile("spaced", "a b\n");
        assertThatThrownBy(() -> BearerToken.read(spaced)).hasMessageContaining("whitespace");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        # mode     | octal
        rw-r--r--  | 0644
        rw-r-----  | 0640
        # writable by others: they could choose the token
        rw-----w-  | 0602
        r-----r--  | 0404
        """)
    void refusesATokenFileGroupOrOthersMayAccess(String mode, String octal) throws IOException {
        Path file = secretFile("token", SECRET);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        assertThatThrownBy(() -> BearerToken.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("token file [" + file + "] has mode [" + octal + "]: group and others must have no access");
    }

    @Test
    void refusesTheThreeByteTokenOfTheIssue() throws IOException {
        Path file = secretFile("token", "abc\n");
        assertThatThrownBy(() -> BearerToken.read(file))
                .hasMessageContaining("token in [" + file + "] is [3] bytes: at least [32] are required");
        assertThat(BearerToken.read(secretFile("just", "x".repeat(BearerToken.MIN_BYTES)))).isNotNull();
    }

    @Test
    void refusesAnOversizedFile() throws IOException {
        Path file = secretFile("token", "x".repeat(BearerToken.MAX_FILE_BYTES + 1));
        assertThatThrownBy(() -> BearerToken.read(file)).hasMessageContaining("is larger than [4096] bytes");
    }

    @Test
    void readsASystemdCredential() throws IOException {
        // systemd's copy: 0400, owned by the service user, in $CREDENTIALS_DIRECTORY
        Path dir = Files.createDirectory(tmp.resolve("credentials"));
        Path credential = Files.writeString(dir.resolve("servd-token"), SECRET + "\n");
        Files.setPosixFilePermissions(credential, PosixFilePermissions.fromString("r--------"));

        BearerToken token = BearerToken.readCredential("servd-token", Map.of("CREDENTIALS_DIRECTORY", dir.toString()));

        assertThat(token.matches("Bearer " + SECRET)).isTrue();
        assertThat(token).isEqualTo(BearerToken.of(SECRET)).isNotEqualTo(BearerToken.of(SECRET + "x"));
    }

    @Test
    void aCredentialWithoutCredentialsDirectoryNamesTheUnitLine() {
        assertThatThrownBy(() -> BearerToken.readCredential("servd-token", Map.of()))
                .hasMessageContaining("token credential [servd-token] unavailable: $CREDENTIALS_DIRECTORY is not set")
                .hasMessageContaining("[LoadCredential=servd-token:/etc/servd/token]");
        assertThatThrownBy(() -> BearerToken.readCredential("../token", Map.of("CREDENTIALS_DIRECTORY", tmp.toString())))
                .hasMessageContaining("must be a file name, got [../token]");
    }
}
