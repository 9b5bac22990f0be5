package io.servd.agent.access;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The secret that admits HTTP writes. Compared in constant time: both sides are hashed with SHA-256
 * first (so neither the content nor the length of the secret leaks through timing) and the digests
 * compared with {@link MessageDigest#isEqual}. Never printed.
 */
public final class BearerToken {
    private static final String SCHEME = "Bearer ";

    private final byte[] digest;

    private BearerToken(byte[] digest) {
        this.digest = digest;
    }

    /** The shortest token accepted, in bytes: 32 random bytes (256 bits), or their hex or base64 text, are longer. */
    public static final int MIN_BYTES = 32;
    /** The longest token file read, in bytes: a token is a line, not a document. */
    static final int MAX_FILE_BYTES = 4096;
    /** Where systemd puts the credentials of {@code LoadCredential=} (systemd.exec(5), "Credentials"). */
    public static final String CREDENTIALS_DIRECTORY = "CREDENTIALS_DIRECTORY";

    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /**
     * Reads the token from {@code file}: its content without surrounding whitespace. Refused, as
     * OpenSSH refuses a private key, when group or others have any access to the file (mode
     * {@code & 077}): whoever can read it can write, and whoever can write it can choose the token.
     *
     * @throws IOException naming the file: when it cannot be read, its mode lets group or others in
     *                     (the mode is named, e.g. {@code [0644]}), it is over {@value #MAX_FILE_BYTES}
     *                     bytes, or the token is empty, has inner whitespace or is shorter than
     *                     {@value #MIN_BYTES} bytes
     */
    public static BearerToken read(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(GROUP_OR_OTHER::contains)) {
            throw new IOException("token file [" + file + "] has mode [" + octal(mode) + "]: group and others must have "
                    + "no access (chmod 0600, owned by the servd user; or use [HTTP] TokenCredential=)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException("token file [" + file + "] is larger than [" + MAX_FILE_BYTES + "] bytes");
        }
        String token = new String(bytes, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException("token file is empty [" + file + "]");
        }
        if (token.chars().anyMatch(c -> c <= ' ')) {
            throw new IOException("token contains whitespace or control characters in [" + file + "]");
        }
        int length = token.getBytes(StandardCharsets.UTF_8).length;
        if (length < MIN_BYTES) {
            throw new IOException("token in [" + file + "] is [" + length + "] bytes: at least [" + MIN_BYTES
                    + "] are required (e.g. `openssl rand -hex 32`)");
        }
        return of(token);
    }

    /**
     * Reads the token from systemd credential {@code name} ({@code LoadCredential=name:/etc/servd/token}
     * in the unit): {@code $CREDENTIALS_DIRECTORY/name}, with the checks of {@link #read}. systemd
     * copies the credential there readable by the service's user only (mode 0400 on a private
     * ramfs), so the servd user needs no access to the original file.
     *
     * @param env the process environment, for {@value #CREDENTIALS_DIRECTORY}
     * @throws IOException when systemd passed no credentials directory, or {@link #read} refuses the file
     */
    public static BearerToken readCredential(String name, Map<String, String> env) throws IOException {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IOException("token credential name must be a file name, got [" + name + "]");
        }
        Optional<String> dir = Optional.ofNullable(env.get(CREDENTIALS_DIRECTORY)).filter(d -> !d.isEmpty());
        if (dir.isEmpty()) {
            throw new IOException("token credential [" + name + "] unavailable: $" + CREDENTIALS_DIRECTORY
                    + " is not set; the unit needs [LoadCredential=" + name + ":/etc/servd/token]");
        }
        return read(Path.of(dir.get()).resolve(name));
    }

    /** {@code rw-r--r--} as {@code 0644}. */
    static String octal(Set<PosixFilePermission> mode) {
        String rwx = PosixFilePermissions.toString(mode);
        int bits = 0;
        for (int i = 0; i < 9; i++) {
            bits = bits << 1 | (rwx.charAt(i) == '-' ? 0 : 1);
        }
        return String.format("%04o", bits);
    }

    /** A token from its text (tests). */
    public static BearerToken of(String token) {
        Objects.requireNonNull(token, "token");
        return new BearerToken(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code authorization} (the header's value, possibly null) is {@code Bearer <this token>}. */
    public boolean matches(String authorization) {
        if (authorization == null || authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] offered = sha256(authorization.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(digest, offered);
    }

    /** Same token: compares the digests, in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof BearerToken other && MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public int hashCode() {
        return 0; // a hash of the digest would be a (weak) oracle of the secret; never a map key anyway
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
