# Feature `travel-router`: access point mode with the status page. The host's
# hardware file names the interfaces.
{
  fleet.travelRouter = {
    enable = true;
    webUi.enable = true;
  };
}
