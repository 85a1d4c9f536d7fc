namespace Reference.Compliance.Spec;

internal enum IetfTokenKind { Content, LineBreak, PageBreak, Header, Section, Appendix, NamedSection }

/// <summary>One line of an RFC after classification (mirrors duvet's IETF tokenizer).</summary>
internal readonly record struct IetfToken(IetfTokenKind Kind, string Value, int Line, string Id = "", string Title = "")
{
    public bool IsBreak => Kind is IetfTokenKind.LineBreak or IetfTokenKind.PageBreak;

    public bool IsHeading => Kind is IetfTokenKind.Section or IetfTokenKind.Appendix or IetfTokenKind.NamedSection;
}
