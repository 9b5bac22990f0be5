package io.servd.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/prometheus/servd-dashboard.json, as the package ships it: a data source variable and the
 * {@code instance} and {@code unit} variables; every panel queries through the data source variable and
 * filters by host; every metric a query reads is one the agent exports (or a recording rule of
 * servd-rules.yml, or {@code up}); and promtool accepts every query, once Grafana's variables are
 * replaced, as the expression of a recording rule (promtool has no offline check of a bare expression).
 * That each query returns series against a real agent is integration-tests' {@code PrometheusFleetIT}'s part.
 */
class ServdDashboardTest {
    private static final Path DASHBOARD = Promtool.SHIPPED.resolve("servd-dashboard.json");
    /** {@code $name}, {@code ${name}} and {@code [[name]]}: Grafana's variable syntaxes. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");
    private static final Map<String, String> SUBSTITUTES = Map.of("__rate_interval", "2m", "__interval", "30s",
            "__range", "6h", "instance", ".+", "unit", ".+");

    private static Map<String, Object> dashboard;

    /** A panel's title and one of its queries. */
    private record Query(String panel, String refId, String expr) {
    }

    @BeforeAll
    static void parse() throws IOException {
        try (JsonParser p = new JsonFactory().createParser(DASHBOARD.toFile())) {
            p.nextToken();
            dashboard = map(tree(p));
        }
    }

    @Test
    void hasTheDataSourceHostAndUnitVariables() {
        Map<String, Map<String, Object>> variables = new LinkedHashMap<>();
        list(map(dashboard.get("templating")).get("list")).forEach(v -> variables.put((String) map(v).get("name"), map(v)));
        assertThat(variables).containsKeys("datasource", "instance", "unit");
        assertThat(variables.get("datasource")).containsEntry("type", "datasource").containsEntry("query", "prometheus");
        for (String name : List.of("instance", "unit")) {
            assertThat(variables.get(name)).as("variable %s", name).containsEntry("type", "query")
                    .containsEntry("datasource", Map.of("type", "prometheus", "uid", "${datasource}"));
        }
    }

    @Test
    void everyPanelQueriesThroughTheDataSourceVariableAndFiltersByHost() {
        List<Map<String, Object>> panels = panels();
        assertThat(panels).as("panels of %s", DASHBOARD).hasSizeGreaterThanOrEqualTo(7);
        for (Map<String, Object> panel : panels) {
            List<Object> targets = list(panel.getOrDefault("targets", List.of()));
            assertThat(targets).as("targets of panel [%s]", panel.get("title")).isNotEmpty();
            for (Object t : targets) {
                assertThat(map(t)).as("target of panel [%s]", panel.get("title"))
                        .containsEntry("datasource", Map.of("type", "prometheus", "uid", "${datasource}"));
                assertThat((String) map(t).get("expr")).as("query of panel [%s]", panel.get("title"))
                        .contains("instance=~\"$instance\"");
            }
        }
    }

    @Test
    void everyMetricAQueryReadsIsExportedByTheAgent(@TempDir Path dir) throws IOException {
        Set<String> usable = ExportedNames.usable(dir);
        List<String> exprs = new ArrayList<>(queries().stream().map(Query::expr).toList());
        list(map(dashboard.get("templating")).get("list")).stream().map(v -> map(v).get("definition"))
                .filter(String.class::isInstance).map(d -> ((String) d).replaceAll("^label_values\\((.*), \\w+\\)$", "$1"))
                .forEach(exprs::add);
        for (String expr : exprs) {
            String substituted = substitute(expr);
            assertThat(ExportedNames.referencedBy(substituted)).as("metrics of [%s]", expr).isNotEmpty()
                    .allSatisfy(name -> assertThat(usable).as("[%s] of dashboard query [%s]: not exported by the agent, "
                            + "recorded by servd-rules.yml or up", name, expr).contains(name));
        }
    }

    @Test
    void promtoolAcceptsEveryQuery(@TempDir Path dir) throws Exception {
        List<Query> queries = queries();
        var rules = new StringBuilder("groups:\n  - name: servd-dashboard\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            // the panel's title as a comment, so promtool's line numbers lead to the panel
            rules.append("      # ").append(q.panel()).append(' ').append(q.refId()).append('\n')
                    .append("      - record: dashboard:query_").append(i).append('\n')
                    .append("        expr: '").append(substitute(q.expr()).replace("'", "''")).append("'\n");
        }
        Path file = Files.writeString(dir.resolve("dashboard-queries.yml"), rules);
        Promtool.Result r = Promtool.run(dir, "check", "rules", file.getFileName().toString());
        assertThat(r.exit()).as("promtool check rules exit code on the dashboard's queries:%n%s%noutput:%n%s", rules,
                r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void substitutionLeavesNoVariable() {
        assertThat(substitute("rate(x{unit=~\"$unit\",instance=~\"${instance}\"}[$__rate_interval])"))
                .isEqualTo("rate(x{unit=~\".+\",instance=~\".+\"}[2m])");
    }

    /** {@code expr} with every Grafana variable replaced by a value promtool can parse; unknown ones fail. */
    private static String substitute(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        var out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            assertThat(SUBSTITUTES).as("a value for Grafana variable [%s] of [%s]", name, expr).containsKey(name);
            m.appendReplacement(out, Matcher.quoteReplacement(SUBSTITUTES.get(name)));
        }
        return m.appendTail(out).toString();
    }

    /** Every panel that is not a row, rows' nested panels included. */
    private static List<Map<String, Object>> panels() {
        List<Map<String, Object>> panels = new ArrayList<>();
        for (Object o : list(dashboard.get("panels"))) {
            Map<String, Object> panel = map(o);
            if ("row".equals(panel.get("type"))) {
                list(panel.getOrDefault("panels", List.of())).forEach(nested -> panels.add(map(nested)));
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    private static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (Map<String, Object> panel : panels()) {
            for (Object t : list(panel.getOrDefault("targets", List.of()))) {
                queries.add(new Query((String) panel.get("title"), (String) map(t).get("refId"), (String) map(t).get("expr")));
            }
        }
        return queries;
    }

    /** The JSON value at the parser's current token, as maps, lists, strings, numbers, booleans and null. */
    private static Object tree(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                m.put(name, tree(p));
            }
            return m;
        }
        if (t == JsonToken.START_ARRAY) {
            List<Object> l = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                l.add(tree(p));
            }
            return l;
        }
        return switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
            case VALUE_NULL -> null;
            default -> throw new IOException("unexpected JSON token [" + t + "] at " + p.currentLocation());
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).as("a JSON object").isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).as("a JSON array").isInstanceOf(List.class);
        return (List<Object>) o;
    }
}
