package io.servd.daemon.limits;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * inotify on one cgroup file the kernel notifies ({@code memory.events}), through Java's
 * {@link WatchService}, which is inotify on Linux. It watches directories only: the kernel
 * (kernfs_notify) reports a change of a cgroup file to watches on its directory as IN_MODIFY
 * with the file's name, but only while the file's inode is in the inode cache, so an open
 * channel pins it for the watch's life; under memory pressure, when this file matters most, the
 * cache is what the kernel reclaims.
 */
final class EventsWatch implements AutoCloseable {

    private final WatchService service;
    private final FileChannel pin;
    private final String fileName;

    private EventsWatch(WatchService service, FileChannel pin, String fileName) {
        this.service = service;
        this.pin = pin;
        this.fileName = fileName;
    }

    /**
     * Watches {@code file}, which must exist.
     *
     * @throws IOException when the file cannot be opened or its directory not watched
     */
    static EventsWatch open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        FileChannel pin = FileChannel.open(file, StandardOpenOption.READ);
        WatchService service = null;
        try {
            service = file.getFileSystem().newWatchService();
            // CREATE too: a test tree (or an editor) may replace the file instead of writing it
            file.getParent().register(service, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
            return new EventsWatch(service, pin, file.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            pin.close();
            if (service != null) {
                service.close();
            }
            throw e;
        }
    }

    /**
     * Waits up to {@code nanos} for a change of the file.
     *
     * @return whether the file changed (other files of the directory are ignored)
     * @throws ClosedWatchServiceException once {@link #close()} ran
     */
    boolean await(long nanos) throws InterruptedException {
        WatchKey key = service.poll(nanos, TimeUnit.NANOSECONDS);
        if (key == null) {
            return false;
        }
        boolean changed = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            // OVERFLOW has no context: events were lost, so the file may have changed
            changed |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || fileName.equals(String.valueOf(event.context()));
        }
        key.reset();
        return changed;
    }

    @Override
    public void close() throws IOException {
        try {
            service.close();
        } finally {
            pin.close();
        }
    }
}
