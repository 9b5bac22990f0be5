package io.servd.servctl.top;

import static org.assertj.core.api.Assertions.assertThat;

import io.servd.servctl.top.TopKeys.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** systemd-cgtop's keys: what each does to the view, and the messages cgtop prints. */
class TopKeysTest {

    static final TopView DEFAULTS = TopView.defaults();

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # key | --order | order
            p     | path     | PATH
            t     | tasks    | TASKS
            c     | cpu      | CPU
            m     | memory   | MEMORY
            i     | io       | IO
            # servctl's own: PSI, which cgtop does not show
            s     | pressure | PRESSURE
            """)
    void orderKeysAndNamesAreCgtops(char key, String label, SortOrder order) throws Exception {
        TopKeys.Outcome o = TopKeys.handle(key, DEFAULTS.withOrder(SortOrder.IO == order ? SortOrder.CPU : SortOrder.IO));
        assertThat(o.view().order()).isEqualTo(order);
        assertThat(o.action()).isEqualTo(Action.REDRAW);
        assertThat(o.message()).isEmpty();
        assertThat(TopArguments.parseOrder("--order", label)).isEqualTo(order);
    }

    @Test
    void percentTogglesCpuTimeAndBack() {
        TopKeys.Outcome once = TopKeys.handle('%', DEFAULTS);
        assertThat(once.view().cpu()).isEqualTo(TopView.CpuColumn.TIME);
        assertThat(once.action()).isEqualTo(Action.REDRAW);
        assertThat(TopKeys.handle('%', once.view()).view().cpu()).isEqualTo(TopView.CpuColumn.PERCENTAGE);
    }

    @Test
    void kAndPToggleProcessCountingAndRefresh() {
        TopKeys.Outcome k = TopKeys.handle('k', DEFAULTS);
        assertThat(k.view().counting()).isEqualTo(TopView.Counting.ALL_PROCESSES);
        assertThat(k.action()).isEqualTo(Action.REFRESH);
        assertThat(k.message()).contains("Counting: all processes (incl. kernel).");
        TopKeys.Outcome p = TopKeys.handle('P', k.view());
        assertThat(p.view().counting()).isEqualTo(TopView.Counting.USERSPACE_PROCESSES);
        assertThat(p.message()).contains("Counting: userspace processes (excl. kernel).");
        // the same key again: back to tasks
        TopKeys.Outcome back = TopKeys.handle('P', p.view());
        assertThat(back.view().counting()).isEqualTo(TopView.Counting.TASKS);
        assertThat(back.message()).contains("Counting: tasks.");
    }

    @Test
    void rTogglesRecursiveCountingOnlyForProcesses() {
        TopKeys.Outcome refused = TopKeys.handle('r', DEFAULTS);
        assertThat(refused.view()).isEqualTo(DEFAULTS);
        assertThat(refused.message())
                .contains("Cannot toggle recursive counting, not available in task counting mode.");
        TopView procs = DEFAULTS.withCounting(TopView.Counting.USERSPACE_PROCESSES);
        TopKeys.Outcome off = TopKeys.handle('r', procs);
        assertThat(off.view().recursive()).isFalse();
        assertThat(off.action()).isEqualTo(Action.REFRESH);
        assertThat(off.message()).contains("Recursive process counting: no");
        assertThat(TopKeys.handle('r', off.view()).message()).contains("Recursive process counting: yes");
    }

    @ParameterizedTest(name = "{1} ms {0}")
    @CsvSource(delimiter = '|', textBlock = """
            # key | delay ms | after | message
            +     | 250      | 500   | Increased delay to 500ms.
            +     | 750      | 1000  | Increased delay to 1s.
            +     | 1000     | 2000  | Increased delay to 2s.
            +     | 1500     | 2500  | Increased delay to 2.500000s.
            # never below 250 ms, and 500 ms or less goes straight there
            -     | 100      | 250   | Decreased delay to 250ms.
            -     | 500      | 250   | Decreased delay to 250ms.
            -     | 750      | 500   | Decreased delay to 500ms.
            -     | 1000     | 750   | Decreased delay to 750ms.
            -     | 1250     | 250   | Decreased delay to 250ms.
            -     | 3000     | 2000  | Decreased delay to 2s.
            """)
    void plusAndMinusStepTheDelayAsCgtop(char key, long before, long after, String message) {
        TopKeys.Outcome o = TopKeys.handle(key, DEFAULTS.withDelay(Duration.ofMillis(before)));
        assertThat(o.view().delay()).isEqualTo(Duration.ofMillis(after));
        assertThat(o.message()).contains(message);
    }

    @Test
    void spaceRefreshesAndQuitKeysQuit() {
        assertThat(TopKeys.handle(' ', DEFAULTS).action()).isEqualTo(Action.REFRESH);
        assertThat(TopKeys.handle('q', DEFAULTS).action()).isEqualTo(Action.QUIT);
        assertThat(TopKeys.handle(TopKeys.CTRL_C, DEFAULTS).action()).isEqualTo(Action.QUIT);
        assertThat(TopKeys.handle(TopKeys.EOF, DEFAULTS).action()).isEqualTo(Action.QUIT);
    }

    @Test
    void helpAndUnknownKeysOnlySaySomething() {
        assertThat(TopKeys.handle('h', DEFAULTS).message()).contains(TopKeys.HELP);
        assertThat(TopKeys.handle('?', DEFAULTS).message()).contains(TopKeys.HELP);
        TopKeys.Outcome x = TopKeys.handle('x', DEFAULTS);
        assertThat(x.view()).isEqualTo(DEFAULTS);
        assertThat(x.message()).contains("Unknown key 'x'. Ignoring.");
        assertThat(TopKeys.handle(0x1b, DEFAULTS).message()).contains("Unknown key '\\x1b'. Ignoring.");
    }
}
