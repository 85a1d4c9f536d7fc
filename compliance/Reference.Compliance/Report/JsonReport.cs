using System.Text;
using System.Text.Json;
using Reference.Compliance.Citations;
using Reference.Compliance.Spec;

namespace Reference.Compliance.Report;

/// <summary>compliance/report/report.json: totals, every requirement with its status and citations, every citation, every error.</summary>
internal static class JsonReport
{
    public static string Write(ComplianceModel model, IReadOnlyList<ComplianceError> errors, IReadOnlyList<string> warnings, ReportStamp? stamp = null)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            if (stamp is not null)
            {
                json.WriteString("commit", stamp.Commit);
                json.WriteString("date", stamp.Date);
            }
            WriteTotals(json, model);
            json.WriteNumber("citation_count", model.Citations.Count);
            json.WriteNumber("error_count", errors.Count);
            json.WriteStartArray("requirements");
            foreach (var r in model.Requirements)
                WriteRequirement(json, r);
            json.WriteEndArray();
            json.WriteStartArray("citations");
            foreach (var c in model.Citations)
                WriteCitation(json, c, withTarget: true);
            json.WriteEndArray();
            json.WriteStartArray("errors");
            foreach (var e in errors)
                json.WriteStringValue(e.ToString());
            json.WriteEndArray();
            json.WriteStartArray("warnings");
            foreach (var w in warnings)
                json.WriteStringValue(w);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteTotals(Utf8JsonWriter json, ComplianceModel model)
    {
        json.WriteStartObject("totals");
        foreach (var level in RequirementLevels.Reported)
        {
            json.WriteStartObject(level.Name());
            foreach (var status in CoverageStatuses.All)
                json.WriteNumber(status.Name(), model.Requirements.Count(r => r.Level == level && r.Status == status));
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteRequirement(Utf8JsonWriter json, RequirementCoverage r)
    {
        json.WriteStartObject();
        json.WriteString("spec", r.SpecUrl);
        json.WriteString("section", r.Section.Id);
        json.WriteString("target", $"{r.SpecUrl}#{r.Section.Id}");
        json.WriteString("level", r.Level.Name());
        json.WriteString("quote", r.Quote);
        json.WriteString("status", r.Status.Name());
        if (r.Status == CoverageStatus.Exception)
            json.WriteString("reason", r.Reason);
        json.WriteStartArray("citations");
        foreach (var c in r.Citations)
            WriteCitation(json, c, withTarget: false);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCitation(Utf8JsonWriter json, Citation c, bool withTarget)
    {
        json.WriteStartObject();
        json.WriteString("location", c.Location);
        json.WriteString("type", Citation.TypeName(c.Type));
        if (withTarget)
        {
            json.WriteString("target", c.Target);
            json.WriteString("quote", c.Quote);
        }
        if (c.Reason.Length > 0)
            json.WriteString("reason", c.Reason);
        json.WriteEndObject();
    }
}
