; Windows bootstrap of 社保费管理客户端 (Inno Setup 6.3 or newer; this file is UTF-8): the
; one file a clerk downloads and opens (manual §1.4). It only unpacks the payload into a
; temporary folder and starts the maintenance program from there (setup.exe: the window of
; §1.4.1-§1.4.3, installer/window.py), which installs into
; %LOCALAPPDATA%\Programs\社保费管理客户端, repairs and uninstalls; it writes the desktop
; shortcut and the 程序和功能 entry itself. This script has no uninstaller of its own.
;
; 1. On Windows: `python dev.py build` -> dist\payload\<version>\ (onedir + manifest.json)
; 2. Compile: `iscc /DAppVersion=<version> installer\setup.iss`
;    -> dist\installer\shebaofei-client-<version>-setup.exe
;
; Silent (QA): shebaofei-client-<version>-setup.exe /VERYSILENT /MODULES=employer,collector
;   [/TARGETDIR="D:\社保费"] runs the maintenance program with --install ... --quiet; its
;   exit code (docs/installer.md) becomes this program's. Repair and uninstall run the
;   maintenance program directly (setup.exe --repair / --uninstall, see docs/installer.md).

#if Ver < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (UTF-8 script without BOM, x64compatible)
#endif

#define AppName "社保费管理客户端"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define PayloadDir SourcePath + "..\dist\payload\" + AppVersion
#define SetupExe "setup.exe"

[Setup]
AppId={{829DFDBB-BA64-4C35-B9DB-707C5D777ED7}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
CreateAppDir=no
Uninstallable=no
PrivilegesRequired=lowest
DisableWelcomePage=yes
DisableReadyPage=yes
DisableFinishedPage=yes
DisableProgramGroupPage=yes
OutputDir={#SourcePath}..\dist\installer
OutputBaseFilename=shebaofei-client-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
#if FileExists(SourcePath + "app.ico")
SetupIconFile=app.ico
#endif

[Languages]
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "chs"; MessagesFile: "compiler:Default.isl"
#endif

[Files]
; {tmp} goes away when this program ends; the maintenance program runs before that.
Source: "{#PayloadDir}\*"; DestDir: "{tmp}\payload"; Flags: ignoreversion recursesubdirs createallsubdirs

[Code]
var
  MaintenanceExitCode: Integer;

{ The maintenance program's arguments of a silent run (installer/setup_cli.py parses them). }
function SilentArgs(Modules: String): String;
begin
  Result := '--install ' + Modules + ' --quiet';
end;

function MaintenanceArgs: String;
begin
  if WizardSilent then
    Result := SilentArgs(ExpandConstant('{param:MODULES|employer,collector}'))
  else
    Result := '';
  if ExpandConstant('{param:TARGETDIR|}') <> '' then
    Result := Result + ' --dir "' + ExpandConstant('{param:TARGETDIR|}') + '"';
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  ResultCode: Integer;
begin
  if CurStep = ssPostInstall then
  begin
    if Exec(ExpandConstant('{tmp}\payload\{#SetupExe}'), MaintenanceArgs, ExpandConstant('{tmp}\payload'), SW_SHOWNORMAL, ewWaitUntilTerminated, ResultCode) then
      MaintenanceExitCode := ResultCode
    else
    begin
      MaintenanceExitCode := 1;
      SuppressibleMsgBox('无法启动安装维护程序 {#SetupExe}，请重新下载安装包。', mbError, MB_OK, IDOK);
    end;
  end;
end;

{ The maintenance program's exit code is this program's (0 = done). }
function GetCustomSetupExitCode: Integer;
begin
  Result := MaintenanceExitCode;
end;
