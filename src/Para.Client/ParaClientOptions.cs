namespace Para.Client;

/// <summary>
/// Where the services are and how to prove we may talk to them. Addresses default to service
/// discovery names (<c>http://accounts</c>), resolved from <c>services__accounts__http__0</c>.
/// </summary>
public sealed class ParaClientOptions
{
    public const string SectionName = "Para:Client";

    public Uri AccountsAddress { get; set; } = new("http://accounts");

    public Uri ContainerAuthAddress { get; set; } = new("http://container-auth");

    public Uri GatewayAddress { get; set; } = new("http://gateway");

    /// <summary>The admin key; when empty it is read from the data folder's <c>admin.key</c>.</summary>
    public string? AdminKey { get; set; }
}
