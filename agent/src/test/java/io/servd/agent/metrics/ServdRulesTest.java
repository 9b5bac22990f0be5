package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/prometheus/servd-rules.yml, as the package ships it: promtool accepts it and its unit tests
 * (servd-rules.test.yml) pass; every alert is tested both firing and not firing and carries a severity,
 * a summary and a description; every metric it reads is one the agent exports.
 */
class ServdRulesTest {
    private static final Path RULES = Promtool.SHIPPED.resolve("servd-rules.yml");
    private static final Path TESTS = Promtool.SHIPPED.resolve("servd-rules.test.yml");
    private static final Pattern ALERT = Pattern.compile("(?m)^\\s*- alert:\\s*(\\S+)\\s*$");
    private static final Pattern EXPR = Pattern.compile("(?m)^(\\s*)expr:\\s*(.*)$");
    /** An alert_rule_test entry: its alert and whether exp_alerts is the empty list. */
    private static final Pattern ALERT_TEST = Pattern.compile(
            "(?m)^\\s*- alertname:\\s*(\\S+)\\s*\\n\\s*eval_time:\\s*\\S+\\s*\\n\\s*exp_alerts:(.*)$");

    @TempDir
    Path dir;

    @Test
    void promtoolCheckRulesAcceptsEveryRule() throws Exception {
        String rules = Files.readString(RULES);
        int count = ExportedNames.recorded(rules).size() + alerts(rules).size();
        Promtool.Result r = Promtool.run(Promtool.SHIPPED, "check", "rules", RULES.getFileName().toString());
        assertThat(r.exit()).as("promtool check rules exit code; output:%n%s", r.output()).isZero();
        assertThat(r.output()).as("promtool check rules output").contains("SUCCESS: " + count + " rules found");
    }

    @Test
    void promtoolTestRulesPassesOnTheSyntheticSeries() throws Exception {
        Promtool.Result r = Promtool.run(Promtool.SHIPPED, "test", "rules", TESTS.getFileName().toString());
        assertThat(r.exit()).as("promtool test rules exit code; output:%n%s", r.output()).isZero();
        assertThat(r.output()).as("promtool test rules output").contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void everyAlertIsTestedFiringAndNotFiring() throws IOException {
        Map<String, List<Boolean>> tested = new LinkedHashMap<>();
        Matcher m = ALERT_TEST.matcher(Files.readString(TESTS));
        while (m.find()) {
            tested.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(!m.group(2).trim().equals("[]"));
        }
        List<String> alerts = alerts(Files.readString(RULES));
        assertThat(alerts).as("alerts of %s", RULES).hasSizeGreaterThanOrEqualTo(6);
        assertThat(tested.keySet()).as("alerts tested in %s", TESTS).containsExactlyInAnyOrderElementsOf(alerts);
        tested.forEach((alert, firing) -> assertThat(firing)
                .as("%s: alert_rule_test cases (true: exp_alerts expects it firing, false: exp_alerts: [])", alert)
                .contains(true, false));
    }

    @Test
    void everyAlertHasSeverityAndAnnotations() throws IOException {
        String rules = Files.readString(RULES);
        List<String> blocks = List.of(rules.split("(?m)^(?=\\s*- alert:)"));
        List<String> alertBlocks = blocks.subList(1, blocks.size());
        assertThat(alertBlocks).hasSameSizeAs(alerts(rules)).allSatisfy(block -> assertThat(block)
                .as("alert %s", block.lines().findFirst().orElse(""))
                .containsPattern("\\n\\s+severity: (critical|warning|info)\\n")
                .containsPattern("\\n\\s+summary: .*(\\{\\{ \\$labels\\.(unit|instance) }}|job=)")
                .containsPattern("\\n\\s+description: ")
                .contains("Runbook: "));
    }

    @Test
    void everyMetricTheRulesReadIsExportedByTheAgent() throws IOException {
        Set<String> usable = ExportedNames.usable(dir);
        String rules = Files.readString(RULES);
        List<String> exprs = exprs(rules);
        assertThat(exprs).as("exprs of %s", RULES).hasSize(ExportedNames.recorded(rules).size() + alerts(rules).size());
        for (String expr : exprs) {
            assertThat(ExportedNames.referencedBy(expr)).as("metrics of rule expr [%s]", expr).isNotEmpty()
                    .allSatisfy(name -> assertThat(usable).as("[%s] of [%s]: not exported by the agent, recorded by "
                            + "servd-rules.yml or up", name, expr).contains(name));
        }
    }

    @Test
    void referencedNamesLeaveOutFunctionsLabelsRangesAndKeywords() {
        assertThat(ExportedNames.referencedBy("sum by (unit) (rate(a_total{job=\"x\",b=~\"c|d\"}[5m])) "
                + "/ on (unit) group_left(kind) b:c:ratio > bool 0.9 and absent(up{job=\"y\"}) or d offset 5m < +Inf"))
                .containsExactlyInAnyOrder("a_total", "b:c:ratio", "up", "d");
        assertThat(ExportedNames.sampleNames("# HELP x_total x\n# TYPE x_total counter\nx_total{a=\"b c\"} 1.0\ny 2\n"))
                .containsExactly("x_total", "y");
    }

    private static List<String> alerts(String rules) {
        return ExportedNames.firstGroups(ALERT, rules);
    }

    /** Each {@code expr:}, a folded block ({@code >-}) joined into one line. */
    static List<String> exprs(String rules) {
        List<String> exprs = new ArrayList<>();
        List<String> lines = rules.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPR.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            if (!m.group(2).equals(">-")) {
                exprs.add(m.group(2));
                continue;
            }
            var folded = new StringBuilder();
            int indent = m.group(1).length();
            while (i + 1 < lines.size() && lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent) {
                folded.append(folded.isEmpty() ? "" : " ").append(lines.get(++i).strip());
            }
            exprs.add(folded.toString());
        }
        return exprs;
    }
}
