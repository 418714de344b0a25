# Windows configuration generators: a docker-compose file and the
# PowerShell/batch scripts that install Podman, create the folders, open the
# firewall and start the stack at logon.
{ lib, constants }:
let
  crlf = text: lib.concatMapStrings (line: line + "\r\n") (lib.splitString "\n" (lib.removeSuffix "\n" text));
  quote = value: builtins.toJSON (toString value);
  # Windows names for the IANA zones the registry uses.
  windowsTimeZones = {
    "Europe/Vienna" = "W. Europe Standard Time";
    "Europe/Berlin" = "W. Europe Standard Time";
    "Europe/London" = "GMT Standard Time";
    "UTC" = "UTC";
  };
in
{
  # The files for the Windows host `name`, described by `settings`
  # (dataDrive, services, mediaFolders).
  files =
    name: settings:
    let
      host = constants.hosts.${name};
      inherit (constants.defaults) timeZone;
      appData = "${settings.dataDrive}\\WinTV";
      media = "${settings.dataDrive}\\Media";
      # Compose paths use forward slashes, which Podman on Windows accepts.
      slashes = lib.replaceStrings [ "\\" ] [ "/" ];
      services = lib.genAttrs settings.services (
        service:
        constants.mediaServices.${service}
          or (throw "hosts/${name}/services.nix: `${service}' is not in lib/constants.nix mediaServices")
      );

      composeService = service: s: ''
        ${service}:
          image: ${s.image}
          container_name: ${service}
          restart: unless-stopped
          ports:
            - ${quote "${toString s.port}:${toString s.port}"}
          volumes:
            - ${quote "${slashes appData}/${service}:/config"}
            - ${quote "${slashes media}:/media"}
          environment:
            TZ: ${quote timeZone}
      '';

      compose =
        "# Generated from hosts/${name}/services.nix; do not edit on the machine.\n"
        + "name: ${name}\n"
        + "services:\n"
        + lib.concatStrings (
          lib.mapAttrsToList (
            service: s: lib.concatMapStrings (line: "  ${line}\n") (lib.splitString "\n" (lib.removeSuffix "\n" (composeService service s)))
          ) services
        );

      firewallRule = service: s: ''
        if (-not (Get-NetFirewallRule -DisplayName 'WinTV ${service}' -ErrorAction SilentlyContinue)) {
            New-NetFirewallRule -DisplayName 'WinTV ${service}' -Direction Inbound -Protocol TCP -LocalPort ${toString s.port} -RemoteAddress LocalSubnet -Action Allow | Out-Null
        }
      '';

      setup = ''
        # Generated from hosts/${name}/services.nix: sets up ${name} (${host.address}).
        #Requires -RunAsAdministrator
        $ErrorActionPreference = 'Stop'

        if (-not (Get-Command podman -ErrorAction SilentlyContinue)) {
            winget install --id RedHat.Podman --exact --silent --accept-package-agreements --accept-source-agreements
        }
        $folders = @(${lib.concatMapStringsSep ", " (s: "'${appData}\\${s}'") settings.services}, ${lib.concatMapStringsSep ", " (f: "'${media}\\${f}'") settings.mediaFolders})
        foreach ($folder in $folders) { New-Item -ItemType Directory -Force -Path $folder | Out-Null }

        Copy-Item -Force -Path "$PSScriptRoot\docker-compose.yml" -Destination '${appData}\docker-compose.yml'
        Set-TimeZone -Id '${windowsTimeZones.${timeZone} or (throw "lib/wintv-generators.nix: no Windows name for the time zone ${timeZone}")}'

        ${lib.concatStrings (lib.mapAttrsToList firewallRule services)}
        podman machine inspect *> $null
        if ($LASTEXITCODE -ne 0) { podman machine init --now } else { podman machine start *> $null }
        podman compose -f '${appData}\docker-compose.yml' up -d

        $action = New-ScheduledTaskAction -Execute 'podman.exe' -Argument "compose -f ${appData}\docker-compose.yml up -d"
        $trigger = New-ScheduledTaskTrigger -AtLogOn
        Register-ScheduledTask -TaskName 'WinTV media stack' -Action $action -Trigger $trigger -Force | Out-Null
        Write-Host 'WinTV is set up: ${lib.concatStringsSep ", " (lib.mapAttrsToList (service: s: "${service} on port ${toString s.port}") services)}'
      '';

      install = ''
        @echo off
        rem Runs setup.ps1 (next to this file) as administrator.
        powershell -NoProfile -ExecutionPolicy Bypass -Command "Start-Process powershell -Verb RunAs -ArgumentList '-NoProfile -ExecutionPolicy Bypass -File \"%~dp0setup.ps1\"'"
      '';
    in
    {
      "docker-compose.yml" = compose;
      "setup.ps1" = crlf setup;
      "install.cmd" = crlf install;
    };
}
