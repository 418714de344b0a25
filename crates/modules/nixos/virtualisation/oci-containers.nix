# virtualisation.oci-containers: one systemd service per container, running
# it with podman.
{ config, lib, pkgs, ... }:
let
  cfg = config.virtualisation.oci-containers;
  inherit (lib) types mkOption;

  podman = "/usr/bin/podman";

  containerOptions = { name, ... }: {
    options = {
      image = mkOption { type = types.str; example = "docker.io/library/nginx:1.27"; description = "The image to run."; };
      cmd = mkOption { type = types.listOf types.str; default = [ ]; description = "Arguments given to the image's entry point."; };
      entrypoint = mkOption { type = types.nullOr types.str; default = null; description = "Overrides the image's entry point."; };
      environment = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = { TZ = "Europe/Berlin"; };
        description = "Environment variables inside the container.";
      };
      environmentFiles = mkOption {
        type = types.listOf types.path;
        default = [ ];
        description = "Files of environment variables read when the container starts (`--env-file`).";
      };
      ports = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "8080:80" "127.0.0.1:5353:53/udp" ];
        description = "Published ports (`-p`), in podman's `[ip:]host:container[/proto]` form.";
      };
      volumes = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "/srv/media:/media:ro" ];
        description = "Mounted volumes (`-v`).";
      };
      devices = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "nvidia.com/gpu=all" "/dev/dri:/dev/dri" ];
        description = "Devices given to the container (`--device`): host device paths or CDI names such as `nvidia.com/gpu=all`.";
      };
      labels = mkOption { type = types.attrsOf types.str; default = { }; description = "Container labels (`-l`)."; };
      user = mkOption { type = types.nullOr types.str; default = null; description = "The user the container runs as (`-u`)."; };
      workdir = mkOption { type = types.nullOr types.str; default = null; description = "The working directory (`-w`)."; };
      hostname = mkOption { type = types.nullOr types.str; default = null; description = "The container's host name."; };
      networks = mkOption { type = types.listOf types.str; default = [ ]; description = "Networks the container joins (`--network`)."; };
      log-driver = mkOption { type = types.str; default = "journald"; description = "The container's log driver."; };
      privileged = mkOption { type = types.bool; default = false; description = "Whether the container runs privileged."; };
      pull = mkOption {
        type = types.enum [ "always" "missing" "never" "newer" ];
        default = "missing";
        description = "When the image is pulled (`--pull`).";
      };
      capabilities = mkOption {
        type = types.lazyAttrsOf (types.nullOr types.bool);
        default = { };
        example = { NET_ADMIN = true; MKNOD = false; };
        description = "Capabilities added (true, `--cap-add`) or dropped (false, `--cap-drop`); null keeps the default.";
      };
      autoRemoveOnStop = mkOption {
        type = types.bool;
        default = true;
        description = "Whether the container is removed when it stops (`--rm`).";
      };
      preRunExtraOptions = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "--log-level=debug" ];
        description = "Options given to `podman` before `run`.";
      };
      login = {
        registry = mkOption { type = types.nullOr types.str; default = null; description = "Registry to log in to before pulling."; };
        username = mkOption { type = types.nullOr types.str; default = null; description = "User name for the registry."; };
        passwordFile = mkOption { type = types.nullOr types.str; default = null; description = "File on the machine holding the registry password."; };
      };
      podman.sdnotify = mkOption {
        type = types.enum [ "conmon" "healthy" "container" ];
        default = "conmon";
        description = "When podman tells systemd the container is ready (`--sdnotify`).";
      };
      extraOptions = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "--cap-add=NET_ADMIN" ];
        description = "Further options given to `podman run`.";
      };
      dependsOn = mkOption {
        type = types.listOf types.str;
        default = [ ];
        description = "Containers (by name) this one needs; their services start first.";
      };
      autoStart = mkOption {
        type = types.bool;
        default = true;
        description = "Whether the container starts at boot; otherwise it is started by hand.";
      };
      serviceName = mkOption {
        type = types.str;
        default = "${cfg.backend}-${name}";
        description = "The name of the container's systemd service.";
      };
    };
  };

  arg = lib.escapeShellArg;

  loggingIn = c: c.login.registry != null && c.login.username != null && c.login.passwordFile != null;

  runCommand = name: c:
    [ "exec ${lib.concatStringsSep " " ([ podman ] ++ map arg c.preRunExtraOptions ++ [ "run" ])}" ]
    ++ lib.optional c.autoRemoveOnStop "--rm"
    ++ [
      "--name=${arg name}"
      "--log-driver=${arg c.log-driver}"
      "--cidfile=/run/${arg c.serviceName}.ctr-id"
      "--cgroups=no-conmon"
      "--sdnotify=${c.podman.sdnotify}"
      "--pull=${c.pull}"
      "-d"
      "--replace"
    ]
    ++ lib.optional (c.entrypoint != null) "--entrypoint=${arg c.entrypoint}"
    ++ lib.optional (c.hostname != null) "--hostname=${arg c.hostname}"
    ++ lib.optional (c.user != null) "-u ${arg c.user}"
    ++ lib.optional (c.workdir != null) "-w ${arg c.workdir}"
    ++ lib.optional c.privileged "--privileged"
    ++ map (n: "--network=${arg n}") c.networks
    ++ lib.mapAttrsToList (k: v: "-e ${arg "${k}=${v}"}") c.environment
    ++ map (f: "--env-file ${arg (toString f)}") c.environmentFiles
    ++ map (p: "-p ${arg p}") c.ports
    ++ map (v: "-v ${arg v}") c.volumes
    ++ map (d: "--device=${arg d}") c.devices
    ++ lib.mapAttrsToList (cap: add: "--cap-${if add then "add" else "drop"}=${arg cap}")
      (lib.filterAttrs (_: v: v != null) c.capabilities)
    ++ lib.mapAttrsToList (k: v: "-l ${arg "${k}=${v}"}") c.labels
    ++ map arg c.extraOptions
    ++ [ (arg c.image) ]
    ++ map arg c.cmd;

  containerService = name: c:
    let deps = map (d: "${cfg.containers.${d}.serviceName or "${cfg.backend}-${d}"}.service") c.dependsOn; in
    lib.nameValuePair c.serviceName {
      description = "Container ${name} (podman)";
      wantedBy = lib.optional c.autoStart "multi-user.target";
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ] ++ deps;
      requires = deps;
      environment.PODMAN_SYSTEMD_UNIT = "%n";
      script = lib.concatStringsSep " \\\n  " (runCommand name c);
      preStart = lib.optionalString (loggingIn c) ''
        # Log in; when that fails, go on if the image is already here.
        ${podman} login ${arg c.login.registry} --username ${arg c.login.username} --password-stdin < ${arg c.login.passwordFile} \
          || ${podman} image inspect ${arg c.image} > /dev/null \
          || { echo ${arg "logging in to ${c.login.registry} failed and the image is not here"} >&2; exit 1; }
      '';
      preStop = "[ \"$SERVICE_RESULT\" = success ] || ${podman} stop --ignore --cidfile=/run/${arg c.serviceName}.ctr-id";
      postStop = "${podman} rm -f --ignore --cidfile=/run/${arg c.serviceName}.ctr-id";
      serviceConfig = {
        Type = "notify";
        NotifyAccess = "all";
        Restart = "always";
        TimeoutStartSec = 0;
        TimeoutStopSec = 120;
      };
    };
in
{
  options.virtualisation.podman = {
    enable = mkOption {
      type = types.bool;
      default = false;
      description = "Whether podman is installed.";
    };
    dockerCompat = mkOption {
      type = types.bool;
      default = false;
      description = "Whether a `docker` command that runs podman is installed (package `podman-docker`).";
    };
  };

  options.virtualisation.oci-containers = {
    backend = mkOption {
      type = types.enum [ "podman" ];
      default = "podman";
      description = "The container engine; Strata supports podman.";
    };
    containers = mkOption {
      type = types.attrsOf (types.submodule containerOptions);
      default = { };
      description = "OCI containers, each run as a systemd service (`podman-NAME.service`).";
    };
  };

  config = lib.mkMerge [
    (lib.mkIf config.virtualisation.podman.enable {
      strata.packageNames = [ "podman" ] ++ lib.optional config.virtualisation.podman.dockerCompat "podman-docker";
    })
    (lib.mkIf (cfg.containers != { }) {
      systemd.services = lib.mapAttrs' containerService cfg.containers;
      strata.packageNames = [ "podman" ];
      assertions = lib.concatLists (lib.mapAttrsToList
        (name: c: map
          (d: {
            assertion = cfg.containers ? ${d};
            message = "virtualisation.oci-containers.containers.${name}.dependsOn names `${d}', which is not a container.";
          })
          c.dependsOn)
        cfg.containers);
    })
  ];
}
