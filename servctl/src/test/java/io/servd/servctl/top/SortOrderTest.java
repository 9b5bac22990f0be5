package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.cgroup.ByteSize;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * systemd-cgtop's order (group_compare): largest first, absent after present, ties by path_compare, and a
 * parent before its children unless tasks are ordered with --recursive=no.
 */
class SortOrderTest {

    /** A tree as systemd makes it: /app holds /app/web and /app/worker; /app-db is a sibling of /app. */
    static final List<TopRow> ROWS = List.of(
            row("/app-db", 30, 400, 2),
            row("/app/web", 15, 100, 7),
            row("/app/worker", 25, 300, 1),
            row("/", 90, -1, 20),
            row("/app", 40, 500, 8),
            row("/idle", -1, 1, 0));

    static TopRow row(String group, double cpu, long memory, long tasks) {
        return new TopRow(group, OptionalLong.of(tasks), cpu < 0 ? OptionalDouble.empty() : OptionalDouble.of(cpu),
                Optional.of(Duration.ofMillis((long) Math.max(0, cpu) * 1000)),
                memory < 0 ? Optional.empty() : Optional.of(new ByteSize(memory)), OptionalDouble.empty(),
                OptionalDouble.empty(), Optional.empty(), Optional.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    static List<String> sorted(TopView view) {
        return view.order().sort(ROWS, view).stream().map(TopRow::group).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # order | cpu column | rows in order
            # path_compare: a plain string sort would put /app-db before /app/web
            PATH    | PERCENTAGE | /,/app,/app/web,/app/worker,/app-db,/idle
            # largest first, parents first, absent last
            CPU     | PERCENTAGE | /,/app,/app-db,/app/worker,/app/web,/idle
            # the root has no memory.current on cgroup2; cgtop still shows it first
            MEMORY  | PERCENTAGE | /,/app,/app-db,/app/worker,/app/web,/idle
            # --cpu=time: by total CPU time (/idle has used none, which is a value)
            CPU     | TIME       | /,/app,/app-db,/app/worker,/app/web,/idle
            """)
    void ordersAsCgtop(SortOrder order, TopView.CpuColumn cpu, String expected) {
        assertThat(sorted(TopView.defaults().withOrder(order).withCpu(cpu))).containsExactly(expected.split(","));
    }

    @Test
    void tasksCountedPerCgroupOnlyDropTheParentRule() {
        TopView perCgroup = TopView.defaults().withOrder(SortOrder.TASKS)
                .withCounting(TopView.Counting.ALL_PROCESSES).withRecursive(false);
        // by value only: 20, 8, 7, 2, 1, 0
        assertThat(sorted(perCgroup)).containsExactly("/", "/app", "/app/web", "/app-db", "/app/worker", "/idle");
        List<TopRow> busyChild = List.of(row("/app", 0, 0, 1), row("/app/web", 0, 0, 9));
        assertThat(perCgroup.order().sort(busyChild, perCgroup)).extracting(TopRow::group)
                .containsExactly("/app/web", "/app");
        // recursive counts add up: the parent stays first
        TopView recursive = perCgroup.withRecursive(true);
        assertThat(recursive.order().sort(busyChild, recursive)).extracting(TopRow::group)
                .containsExactly("/app", "/app/web");
    }

    @Test
    void tiesGoByPath() {
        List<TopRow> tied = List.of(row("/b", 5, 1, 1), row("/a-x", 5, 1, 1), row("/a", 5, 1, 1));
        TopView view = TopView.defaults();
        assertThat(view.order().sort(tied, view)).extracting(TopRow::group).containsExactly("/a", "/a-x", "/b");
    }
}
