namespace Para.Contracts;

/// <summary>
/// Where the AppHost puts each service on localhost unless <c>Para:Ports:&lt;name&gt;</c> says
/// otherwise, and so where <c>para</c> looks when nothing tells it: a second terminal needs no
/// variables. Tests never use them (Aspire's test host randomizes every port).
/// </summary>
public static class ServicePorts
{
    public const int Accounts = 5180;
    public const int ContainerAuth = 5181;
    public const int Gateway = 5182;

    public static int DefaultFor(string serviceName) => serviceName switch
    {
        ServiceNames.Accounts => Accounts,
        ServiceNames.ContainerAuth => ContainerAuth,
        ServiceNames.Gateway => Gateway,
        _ => throw new ArgumentOutOfRangeException(nameof(serviceName), serviceName, "Not a Para service."),
    };

    /// <summary>Service discovery's configuration keys for the local defaults (<c>services:NAME:http:0</c>).</summary>
    public static IReadOnlyDictionary<string, string?> LocalDiscoveryDefaults { get; } = new Dictionary<string, string?>
    {
        [$"services:{ServiceNames.Accounts}:http:0"] = $"http://localhost:{Accounts}",
        [$"services:{ServiceNames.ContainerAuth}:http:0"] = $"http://localhost:{ContainerAuth}",
        [$"services:{ServiceNames.Gateway}:http:0"] = $"http://localhost:{Gateway}",
    };
}
