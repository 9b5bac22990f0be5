package io.servd.agent.history;

/**
 * A record whose checksum matched does not decode: written by another format version or a bug. The
 * reader treats it as a corrupt record (it skips to the next keyframe); it never leaves the package.
 */
final class CorruptFrameException extends Exception {
    CorruptFrameException(String message) {
        super(message);
    }
}
