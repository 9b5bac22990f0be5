package io.servd.daemon.pressure;

import io.servd.cgroup.ByteSize;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;

/**
 * Measures what {@link GiveBack} returns to the kernel (bench/results/*-giveback.txt): grows the heap
 * with {@code heapMiB} of garbage and glibc's arenas with {@code mallocMiB} of freed small blocks, then
 * prints RSS before and after one give-back. Run by hand under the GC flags to compare:
 * {@code java -XX:+UseSerialGC -cp … io.servd.daemon.pressure.GiveBackProbeMain 200 100}.
 */
public final class GiveBackProbeMain {
    /** Bound by jnr-ffi; public only because the generated proxy requires it. */
    public interface Malloc {
        Pointer malloc(@size_t long size);

        void free(Pointer p);
    }

    private GiveBackProbeMain() {
    }

    public static void main(String[] args) {
        int heapMiB = Integer.parseInt(args[0]);
        int mallocMiB = Integer.parseInt(args[1]);
        List<byte[]> garbage = new ArrayList<>();
        for (int i = 0; i < heapMiB * 4; i++) {
            garbage.add(new byte[256 * 1024]);
        }
        garbage.clear();
        Malloc libc = LibraryLoader.create(Malloc.class).load("c");
        List<Pointer> blocks = new ArrayList<>();
        for (int i = 0; i < mallocMiB * 1024; i++) {
            Pointer p = libc.malloc(1000); // below the mmap threshold: from the arena, kept on free
            p.putByte(0, (byte) 1);
            blocks.add(p);
        }
        // free all but every 64th block: the arena stays fragmented, its top cannot simply shrink
        for (int i = 0; i < blocks.size(); i++) {
            if (i % 64 != 63) {
                libc.free(blocks.get(i));
            }
        }
        // GiveBack's steps one by one, RSS after each: what the heap and what the C heap give back
        long before = rss();
        long started = System.nanoTime();
        System.gc();
        long gcMicros = (System.nanoTime() - started) / 1000;
        long afterGc = rss();
        started = System.nanoTime();
        GiveBack.mallocTrim();
        long trimMicros = (System.nanoTime() - started) / 1000;
        long afterTrim = rss();
        System.out.printf("{\"gc\":\"%s\",\"heapMiB\":%d,\"mallocMiB\":%d,\"rssBefore\":%d,\"rssAfterGc\":%d,"
                        + "\"rssAfterMallocTrim\":%d,\"gcMicros\":%d,\"mallocTrimMicros\":%d}%n",
                System.getProperty("probe.gc", "?"), heapMiB, mallocMiB, before, afterGc, afterTrim, gcMicros, trimMicros);
    }

    private static long rss() {
        return GiveBack.rss().get().map(ByteSize::bytes).orElse(-1L);
    }
}
