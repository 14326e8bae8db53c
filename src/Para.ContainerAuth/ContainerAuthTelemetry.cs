using System.Diagnostics;

namespace Para.ContainerAuth;

/// <summary>Container-auth's spans: one per job (setup, reauth, reauth-all, …), tagged with its id, kind, target and state.</summary>
internal static class ContainerAuthTelemetry
{
    public const string SourceName = "Para.ContainerAuth";

    public static readonly ActivitySource Source = new(SourceName);
}
