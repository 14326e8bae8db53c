using Para.Client;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAccountsConnection();
builder.AddGateway();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapGatewayApis();

return await app.RunGatewayAsync();

/// <summary>Entry point marker for WebApplicationFactory-based tests.</summary>
public partial class Program;
