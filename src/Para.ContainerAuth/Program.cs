using Para.Client;
using Para.ContainerAuth;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddAccountsConnection();
builder.AddContainerAuth();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapContainerAuthApi();

return await app.RunContainerAuthAsync();

/// <summary>Entry point marker for WebApplicationFactory-based tests.</summary>
public partial class Program;
