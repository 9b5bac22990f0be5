package io.servd.agent.history;

import java.util.Arrays;

/**
 * Bit-level writing and reading for the frame format ({@link FrameCodec}): single bits for "changed or
 * not" (an unchanged value costs one bit), and LEB128 varints, byte-aligned or not.
 */
final class Bits {
    private Bits() {
    }

    /** A growing buffer written most significant bit first. */
    static final class Writer {
        private byte[] bytes = new byte[256];
        private long bits; // bits written

        void bit(boolean one) {
            bits(one ? 1 : 0, 1);
        }

        /** The low {@code n} bits of {@code value}, high first; a byte's worth at a time. */
        void bits(long value, int n) {
            int left = n;
            while (left > 0) {
                int at = (int) (bits >>> 3);
                if (at == bytes.length) {
                    bytes = Arrays.copyOf(bytes, bytes.length * 2);
                }
                int free = 8 - (int) (bits & 7);
                int take = Math.min(free, left);
                int chunk = (int) ((value >>> (left - take)) & ((1 << take) - 1));
                bytes[at] |= (byte) (chunk << (free - take));
                bits += take;
                left -= take;
            }
        }

        /** Unsigned LEB128: seven bits a group, low group first, a high bit when more follow. */
        void varint(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                bits((v & 0x7F) | 0x80, 8);
                v >>>= 7;
            }
            bits(v, 8);
        }

        /** Zigzag then varint: small magnitudes of either sign stay short. */
        void signed(long value) {
            varint((value << 1) ^ (value >> 63));
        }

        /** Pads to a whole byte. */
        void align() {
            while ((bits & 7) != 0) {
                bit(false);
            }
        }

        /** Appends {@code other}'s whole bytes (this writer must be aligned). */
        void append(Writer other) {
            other.align();
            int length = other.byteLength();
            int at = byteLength();
            if (at + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, at + length));
            }
            System.arraycopy(other.bytes, 0, bytes, at, length);
            bits += (long) length << 3;
        }

        int byteLength() {
            return (int) ((bits + 7) >>> 3);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, byteLength());
        }

        void reset() {
            Arrays.fill(bytes, 0, byteLength(), (byte) 0);
            bits = 0;
        }
    }

    /** Reads what a {@link Writer} wrote; running past the end throws {@link CorruptFrameException}. */
    static final class Reader {
        private final byte[] bytes;
        private final long end; // in bits
        private long at;        // in bits

        Reader(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.at = (long) offset << 3;
            this.end = (long) (offset + length) << 3;
        }

        boolean bit() throws CorruptFrameException {
            return bits(1) != 0;
        }

        long bits(int n) throws CorruptFrameException {
            if (at + n > end) {
                throw new CorruptFrameException("frame ends inside a value");
            }
            long v = 0;
            int left = n;
            while (left > 0) {
                int b = bytes[(int) (at >>> 3)] & 0xFF;
                int avail = 8 - (int) (at & 7);
                int take = Math.min(avail, left);
                v = (v << take) | ((b >>> (avail - take)) & ((1 << take) - 1));
                at += take;
                left -= take;
            }
            return v;
        }

        long varint() throws CorruptFrameException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                long b = bits(8);
                v |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new CorruptFrameException("varint longer than 64 bits");
        }

        long signed() throws CorruptFrameException {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        void align() {
            at = (at + 7) & ~7L;
        }

        /** Skips {@code n} whole bytes (the reader must be aligned). */
        void skip(int n) throws CorruptFrameException {
            if (n < 0 || at + ((long) n << 3) > end) {
                throw new CorruptFrameException("length [" + n + "] past the end of the frame");
            }
            at += (long) n << 3;
        }

        /** The byte offset of the (aligned) position. */
        int offset() {
            return (int) (at >>> 3);
        }

        byte[] bytes() {
            return bytes;
        }
    }
}
