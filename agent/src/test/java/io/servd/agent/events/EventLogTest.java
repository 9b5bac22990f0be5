package io.servd.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The ring, replay after an id or a time, the query's parsing, and the journal's fields and rate. */
class EventLogTest {
    static final Instant T0 = Instant.parse("2026-12-02T16:25:00Z");

    static OomKill oom(String unit, int second) {
        return new OomKill(T0.plusSeconds(second), unit, 1, second + 1);
    }

    @Test
    void idsCountFromOneAndTheLineIsTheWireForm() {
        var log = new EventLog();
        var first = log.publish(new OomKill(T0, "hog.service", 2, 3));
        assertThat(first.id()).isEqualTo(1);
        assertThat(new String(first.line(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"id\":1,\"time\":\"2026-12-02T16:25:00Z\",\"unit\":\"hog.service\",\"type\":\"oom-kill\",\"delta\":2,\"total\":3}\n");
        assertThat(log.publish(oom("a.service", 1)).id()).isEqualTo(2);
        assertThat(log.lastId()).isEqualTo(2);
    }

    @Test
    void theRingKeepsTheNewestAndCountsWhatAReaderLost() {
        var log = EventLog.ofCapacity(3);
        for (int i = 0; i < 5; i++) {
            log.publish(oom("a.service", i));
        }
        var all = log.after(0, 100);
        assertThat(all.events()).extracting(EventLog.Logged::id).containsExactly(3L, 4L, 5L);
        assertThat(all.lost()).isEqualTo(2);
        assertThat(log.after(3, 100).events()).extracting(EventLog.Logged::id).containsExactly(4L, 5L);
        assertThat(log.after(3, 1).events()).extracting(EventLog.Logged::id).containsExactly(4L);
        assertThat(log.after(5, 100).events()).isEmpty();
        assertThat(log.after(5, 100).lost()).isZero();
    }

    @Test
    void theByteBudgetBindsToo() {
        var log = new EventLog(1000, 300, new EventLog.JournalRate(100, Duration.ofSeconds(10), System::nanoTime));
        for (int i = 0; i < 10; i++) {
            log.publish(oom("a.service", i));
        }
        long kept = log.after(0, 100).events().stream().mapToLong(l -> l.line().length).sum();
        assertThat(kept).isLessThanOrEqualTo(300).isPositive();
    }

    @Test
    void sinceAnIdOrATime() {
        var log = new EventLog();
        for (int i = 0; i < 4; i++) {
            log.publish(oom("a.service", i * 10));
        }
        assertThat(log.afterForId(2)).isEqualTo(2);
        assertThat(log.afterForId(99)).as("an id of an earlier run: everything").isZero();
        assertThat(log.afterForTime(T0.plusSeconds(15))).as("at or after :15 is id 3").isEqualTo(2);
        assertThat(log.afterForTime(T0.plusSeconds(20))).isEqualTo(2);
        assertThat(log.afterForTime(T0.minusSeconds(1))).isZero();
        assertThat(log.afterForTime(T0.plusSeconds(99))).isEqualTo(4);
    }

    @Test
    void theQueryParsesOrNamesTheValue() {
        var q = EventQuery.parse(Map.of("since", List.of("42"), "follow", List.of("1"), "unit", List.of("a.service"),
                "type", List.of("oom-kill")));
        assertThat(q.since()).contains(new EventQuery.Since.AfterId(42));
        assertThat(q.follow()).isTrue();
        assertThat(EventQuery.parse(Map.of("since", List.of("2026-12-02T17:25:00+01:00"))).since())
                .contains(new EventQuery.Since.AtOrAfter(T0));
        assertThat(EventQuery.parse(Map.of()).follow()).isFalse();
        assertThatThrownBy(() -> EventQuery.parse(Map.of("since", List.of("garbage"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[garbage]");
        assertThatThrownBy(() -> EventQuery.parse(Map.of("since", List.of("99999999999999999999"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[99999999999999999999]");
        assertThatThrownBy(() -> EventQuery.parse(Map.of("follow", List.of("maybe"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[maybe]");
        assertThatThrownBy(() -> EventQuery.parse(Map.of("unit", List.of("../etc"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[../etc]");
        assertThatThrownBy(() -> EventQuery.parse(Map.of("type", List.of("boom"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[boom]");
        assertThatThrownBy(() -> EventQuery.parse(Map.of("since", List.of("1", "2"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("once");
        assertThatThrownBy(() -> EventQuery.parse(Map.of("x", List.of("1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[x]");
    }

    @Test
    void eachEventIsOneJournalLineWithStructuredFields() {
        var appender = capture();
        try {
            var log = new EventLog();
            log.publish(new LimitsChanged(T0, "demo.service", "uid=0 pid=42", "systemd-dbus", "[MemoryMax=33554432]",
                    Map.of("memory.max", new LimitsChanged.Change("max", "33554432"))));
            assertThat(appender.list).hasSize(1);
            var kv = fields(appender.list.get(0));
            assertThat(kv).containsEntry("event", "limits-changed").containsEntry("unit", "demo.service")
                    .containsEntry("event_id", "1").containsEntry("who", "uid=0 pid=42")
                    .containsEntry("changes_memory_max_old", "max").containsEntry("changes_memory_max_new", "33554432");
        } finally {
            release(appender);
        }
    }

    @Test
    void aFloodIsCutToTheJournalBudgetAndTheNextLineSaysHowMany() {
        var appender = capture();
        try {
            var clock = new AtomicLong();
            var log = new EventLog(100, 1 << 20, new EventLog.JournalRate(3, Duration.ofSeconds(10), clock::get));
            for (int i = 0; i < 10; i++) {
                log.publish(oom("a.service", i));
            }
            assertThat(appender.list).hasSize(3);
            clock.addAndGet(Duration.ofSeconds(10).toNanos());
            log.publish(oom("a.service", 11));
            assertThat(appender.list).hasSize(4);
            assertThat(fields(appender.list.get(3))).containsEntry("events_not_journalled", "7");
            assertThat(log.after(0, 100).events()).as("the ring has all of them").hasSize(11);
        } finally {
            release(appender);
        }
    }

    static ListAppender<ILoggingEvent> capture() {
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(EventLog.class)).addAppender(appender);
        return appender;
    }

    static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(EventLog.class)).detachAppender(appender);
    }

    static Map<String, String> fields(ILoggingEvent e) {
        var m = new java.util.LinkedHashMap<String, String>();
        e.getKeyValuePairs().forEach(kv -> m.put(kv.key, String.valueOf(kv.value)));
        return m;
    }
}
