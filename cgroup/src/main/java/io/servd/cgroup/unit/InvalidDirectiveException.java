package io.servd.cgroup.unit;

/**
 * A resource-control directive's value is not valid. The one exception the directive parsers throw;
 * the message names the directive, the raw value in brackets, and why.
 */
public final class InvalidDirectiveException extends IllegalArgumentException {

    private final String directive;
    private final String value;
    private final String reason;

    public InvalidDirectiveException(String directive, String value, String reason) {
        super("invalid " + directive + "= value [" + value + "]: " + reason);
        this.directive = directive;
        this.value = value;
        this.reason = reason;
    }

    /** Why the value was rejected, e.g. {@code "out of range"}. */
    public String reason() {
        return reason;
    }

    /** The directive's name, e.g. {@code "MemoryMax"}. */
    public String directive() {
        return directive;
    }

    /** The raw value as given. */
    public String value() {
        return value;
    }
}
