"""`jiugai keys init`: a trial CA and office certificate in the data directory, to try signing."""
from __future__ import annotations

from service.cli.common import EXIT_INVALID, EXIT_VALID, N_, fail, render_text


def run(args) -> int:
    """Make the trial keys; refuse to overwrite existing ones. Prints paths, never key material."""
    from service.config import Settings
    from service.signing.keys import init_trial

    settings = Settings.from_env()
    try:
        paths = init_trial(settings.data_dir)
    except FileExistsError as exc:
        fail(render_text(N_("{path} exists already: trial keys are made only once (remove the folder to make new ones)"),
                         args.lang, path=str(exc)))
        return EXIT_INVALID
    print(render_text(N_("FOR TRIALS ONLY: a trial CA and a certificate of the district renovation office (区旧改办) were "
                         "made in {folder}; documents signed with them prove nothing outside this installation."),
                      args.lang, folder=str(paths["key"].parent)))
    print(render_text(N_("key {key} (its passphrase in {password}); trust anchor {ca}"), args.lang,
                      key=str(paths["key"]), password=str(paths["password"]), ca=str(paths["ca"])))
    if settings.signing_key:
        print(render_text(N_("JIUGAI_SIGNING_KEY is set, so the service keeps signing with {key}"), args.lang,
                          key=settings.signing_key))
    else:
        print(render_text(N_("the service, jiugai render and make run sign with them while JIUGAI_SIGNING_KEY is unset"), args.lang))
    return EXIT_VALID
