package io.servd.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.servd.cgroup.CgroupReader;
import io.servd.cgroup.CgroupWrite;
import io.servd.cgroup.unit.DbusProperty;
import io.servd.cgroup.unit.DropIn;
import io.servd.cgroup.unit.DropInScope;
import io.servd.cgroup.unit.InvalidDirectiveException;
import io.servd.cgroup.unit.UnitName;
import io.servd.agent.limits.LimitsApplier;
import io.servd.agent.limits.LimitsException;
import io.servd.agent.limits.LimitsPlan;
import io.servd.agent.limits.LimitsRequest;
import io.servd.agent.units.UnitCgroup;
import io.servd.agent.units.UnitJson;
import io.servd.agent.http.Reply;
import io.servd.agent.http.Routes;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT /v1/units/{unit}/limits}: unit name, body, plan; then either the plan (dry run) or apply
 * and read the kernel's values back. Each refusal happens before anything is written. Write access
 * and the media type were decided on the request's head by the route ({@link AgentApi}), before the
 * body was read. Each change is journalled with structured fields ({@link LimitChange}) and published
 * as a {@code limits-changed} event.
 */
final class LimitsResource {
    private static final Logger log = LoggerFactory.getLogger(LimitsResource.class);

    /** The wire value of {@code "applier"} when there is no applier; in Java that is an empty {@code Optional}. */
    static final String NO_APPLIER = "none";

    private final AgentContext context;

    LimitsResource(AgentContext context) {
        this.context = context;
    }

    /**
     * Parses and plans on the event loop (the body is released when this returns), then applies on
     * the context's {@link AgentContext#limitsExecutor()}: a D-Bus call or a disk write never blocks a loop.
     */
    CompletionStage<Reply> put(Routes.Request request) {
        Optional<UnitName> unit = UnitParam.unitName(request);
        if (unit.isEmpty()) {
            return CompletableFuture.completedFuture(UnitParam.invalidUnitName(request));
        }
        LimitsRequest body;
        LimitsPlan plan;
        try {
            body = LimitsRequest.parse(ByteBufUtil.getBytes(request.http().content()));
            DropInScope scope = context.applier().map(a -> a.scope(unit.get(), body.runtime()))
                    .orElse(DropInScope.requested(body.runtime()));
            plan = LimitsPlan.of(unit.get(), body.directives(), scope, context.host());
        } catch (InvalidDirectiveException e) {
            return CompletableFuture.completedFuture(
                    Reply.error(HttpResponseStatus.UNPROCESSABLE_ENTITY, "invalid value", e.getMessage()));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request", e.getMessage()));
        }
        if (body.dryRun()) {
            return CompletableFuture.completedFuture(answer(plan, Optional.empty(), true));
        }
        if (context.applier().isEmpty()) {
            return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "limits unavailable",
                    "no way to apply limits on this host: no systemd and no writable cgroup v2 tree"));
        }
        LimitsApplier applier = context.applier().get();
        Caller who = Caller.of(request.channel());
        try {
            return CompletableFuture.supplyAsync(() -> apply(plan, applier, who), context.limitsExecutor());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "limits busy",
                    "too many limit changes in progress; retry").withHeader("Retry-After", "1"));
        }
    }

    /** Applies {@code plan} and answers with the kernel's values; blocks (D-Bus, cgroupfs, drop-ins). */
    private Reply apply(LimitsPlan plan, LimitsApplier applier, Caller who) {
        Optional<UnitCgroup> cgroup;
        Map<String, String> before;
        try {
            cgroup = context.units().find(plan.unit());
            before = LimitChange.readQuietly(cgroup, plan); // the journal line only: never stops an apply
            applier.apply(plan, cgroup);
            cgroup = context.units().find(plan.unit()); // systemd may have just created it
        } catch (LimitsException e) {
            who.annotate(log.atWarn()).addKeyValue("unit", plan.unit().name()).addKeyValue("applier", applier.name())
                    .log("applying {} to [{}] via [{}] for [{}] failed: {}", plan.properties(), plan.unit(), applier.name(),
                            who, e.getMessage());
            return failure(e);
        } catch (IOException e) {
            return Reply.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "cgroup tree unreadable", e.getMessage());
        }
        var change = new LimitChange(plan, applier.name(), who, before, LimitChange.readQuietly(cgroup, plan));
        change.log(log);
        context.events().publish(change.event());
        return answer(plan, cgroup, false);
    }

    private static Reply failure(LimitsException e) {
        return switch (e.reason()) {
            case DENIED -> Reply.error(HttpResponseStatus.FORBIDDEN, "forbidden", e.getMessage());
            // the caller was admitted; systemd refuses servd itself until the host has polkitd and servd's rule
            case AGENT_NOT_AUTHORIZED -> Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "servd not authorized",
                    e.getMessage());
            case NO_SUCH_UNIT -> Reply.error(HttpResponseStatus.NOT_FOUND, "unknown unit", e.getMessage());
            case CONTROLLER_NOT_ENABLED -> Reply.error(HttpResponseStatus.CONFLICT, "controller not enabled", e.getMessage());
            case NOT_SUPPORTED -> Reply.error(HttpResponseStatus.NOT_IMPLEMENTED, "not supported here", e.getMessage());
            case UNAVAILABLE -> Reply.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "limits unavailable", e.getMessage());
            case NO_SPACE -> Reply.error(HttpResponseStatus.INSUFFICIENT_STORAGE, "no space for drop-ins", e.getMessage());
            case NOT_PERSISTED -> Reply.error(HttpResponseStatus.INSUFFICIENT_STORAGE, "drop-ins not written", e.getMessage());
            case TIMED_OUT -> Reply.error(HttpResponseStatus.GATEWAY_TIMEOUT, "systemd did not answer", e.getMessage());
            case FAILED -> Reply.error(HttpResponseStatus.BAD_GATEWAY, "systemd error", e.getMessage());
        };
    }

    private Reply answer(LimitsPlan plan, Optional<UnitCgroup> appliedTo, boolean dryRun) {
        return Json.reply(HttpResponseStatus.OK, json -> {
            json.writeStartObject();
            json.writeStringField("unit", plan.unit().name());
            json.writeStringField("applier", applierName(context.applier()));
            json.writeBooleanField("runtime", plan.runtime());
            json.writeStringField("scope", plan.scope().name().toLowerCase(java.util.Locale.ROOT));
            json.writeBooleanField("dryRun", dryRun);
            json.writeFieldName("plan");
            writePlan(json, plan);
            if (appliedTo.isPresent()) { // the cgroup's limits as read back after the apply
                json.writeFieldName("applied");
                UnitJson.writeLimits(json, new CgroupReader().read(appliedTo.get().dir()).limits());
            }
            json.writeEndObject();
        });
    }

    /**
     * The answer's {@code "applier"} (agent/API.md): the applier's {@link LimitsApplier#name()}, or
     * {@link #NO_APPLIER} on a dry run where no applier works on this host.
     */
    static String applierName(Optional<LimitsApplier> applier) {
        return applier.map(LimitsApplier::name).orElse(NO_APPLIER);
    }

    /** A wire number, or systemd's word for {@code UINT64_MAX}. */
    private static void number(JsonGenerator json, Optional<String> word, String unsigned) throws IOException {
        if (word.isPresent()) {
            json.writeString(word.get());
        } else {
            json.writeNumber(new BigInteger(unsigned));
        }
    }

    static void writePlan(JsonGenerator json, LimitsPlan plan) throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("properties");
        for (DbusProperty p : plan.properties()) {
            json.writeStartObject();
            json.writeStringField("name", p.name());
            json.writeStringField("signature", p.signature().code());
            // UINT64_MAX as systemd's word for it ("infinity", "unset"): 18446744073709551615 is past
            // what a double or a long holds (JavaScript, jq, servctl's reader up to issue 16)
            json.writeFieldName("value");
            switch (p.signature()) {
                case UINT64, UINT32 -> number(json, p.symbolic(), p.unsignedValue());
                case BYTES -> { // the cpu set's bitmask, one number per byte
                    json.writeStartArray();
                    for (int b : p.bytes()) {
                        json.writeNumber(b);
                    }
                    json.writeEndArray();
                }
                case DEVICES -> {
                    json.writeStartArray();
                    for (DbusProperty.Device d : p.devices()) {
                        json.writeStartObject();
                        json.writeStringField("path", d.path());
                        json.writeFieldName("value");
                        number(json, p.symbolic(d), d.unsignedValue());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                }
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("dropIns");
        for (DropIn d : plan.dropIns()) {
            json.writeStartObject();
            json.writeStringField("path", d.path().toString());
            json.writeStringField("content", d.content());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("cgroupWrites");
        for (CgroupWrite w : plan.cgroupWrites()) {
            json.writeStartObject();
            json.writeStringField("file", w.file().fileName());
            json.writeStringField("content", w.content());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }
}
