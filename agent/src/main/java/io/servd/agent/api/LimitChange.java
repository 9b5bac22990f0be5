package io.servd.agent.api;

import io.servd.cgroup.CgroupWrite;
import io.servd.agent.events.LimitsChanged;
import io.servd.agent.limits.LimitsPlan;
import java.time.Instant;
import io.servd.agent.units.UnitCgroup;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One applied change of limits, journalled at INFO with structured fields (SLF4J key-values, which
 * {@code JournalAppender} sends as {@code SERVD_*} journal fields): {@code who} (and {@code uid}/{@code pid}
 * on the control socket), {@code unit}, {@code applier}, {@code runtime}, {@code properties}, and for
 * each planned cgroup file its value before and after, e.g. {@code memory_max_old=max},
 * {@code memory_max_new=33554432}. Values are the kernel's, as read from the unit's cgroup;
 * {@code absent} when the unit had no cgroup (a stopped unit) or the file was missing.
 *
 * @param before the planned cgroup files' values before the apply, by file name
 * @param after  the same files after it
 */
record LimitChange(LimitsPlan plan, String applier, Caller who, Map<String, String> before, Map<String, String> after) {
    static final String ABSENT = "absent";

    LimitChange {
        before = Map.copyOf(before);
        after = Map.copyOf(after);
    }

    /** The planned cgroup files' current values, in plan order; empty without a cgroup. */
    static Map<String, String> read(Optional<UnitCgroup> cgroup, LimitsPlan plan) throws IOException {
        var values = new LinkedHashMap<String, String>();
        if (cgroup.isPresent()) {
            for (CgroupWrite w : plan.cgroupWrites()) {
                values.put(w.file().fileName(), cgroup.get().dir().read(w.file()).map(String::strip).orElse(ABSENT));
            }
        }
        return values;
    }

    /** As {@link #read}, empty when reading fails: the values only inform the journal line. */
    static Map<String, String> readQuietly(Optional<UnitCgroup> cgroup, LimitsPlan plan) {
        try {
            return read(cgroup, plan);
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** This change as a {@code limits-changed} event: who, applier, properties, and each file's old → new. */
    LimitsChanged event() {
        var changes = new LinkedHashMap<String, LimitsChanged.Change>();
        plan.cgroupWrites().forEach(w -> changes.putIfAbsent(w.file().fileName(), new LimitsChanged.Change(
                before.getOrDefault(w.file().fileName(), ABSENT), after.getOrDefault(w.file().fileName(), ABSENT))));
        return new LimitsChanged(Instant.now(), plan.unit().name(), who.toString(), applier,
                plan.properties().toString(), changes);
    }

    void log(Logger log) {
        LoggingEventBuilder event = who.annotate(log.atInfo())
                .addKeyValue("unit", plan.unit().name())
                .addKeyValue("applier", applier)
                .addKeyValue("runtime", plan.runtime())
                .addKeyValue("properties", plan.properties().toString());
        StringBuilder changes = new StringBuilder();
        Set<String> files = new LinkedHashSet<>();
        plan.cgroupWrites().forEach(w -> files.add(w.file().fileName()));
        for (String file : files) {
            String old = before.getOrDefault(file, ABSENT);
            String now = after.getOrDefault(file, ABSENT);
            String key = file.replace('.', '_');
            event.addKeyValue(key + "_old", old).addKeyValue(key + "_new", now);
            changes.append(changes.isEmpty() ? "" : ", ").append(file).append(" [").append(old).append(" -> ")
                    .append(now).append(']');
        }
        event.log("applied {} to [{}] via [{}]{} for [{}]: {}", plan.properties(), plan.unit(), applier,
                plan.runtime() ? " (runtime)" : "", who, changes.isEmpty() ? "no cgroup values to compare" : changes);
    }
}
