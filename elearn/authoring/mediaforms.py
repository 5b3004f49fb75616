"""The forms of a module's media page. Each form's fields have names of their own, so the
page's forms never repeat an id. File fields accept any file: what a file is, is decided by
its bytes (``elearn.authoring.mediafiles``), never by its name or the type the browser says."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from elearn.content.schema import DURATION_PATTERN
from elearn.core.forms import LANGUAGE_CHOICES, choice_list

CHOOSE_FILE = _l("Choose a file to upload.")
TITLE_MAX = 300
ADDRESS_MAX = 2000


class UploadVideoForm(FlaskForm):
    video_file = FileField(
        _l("Video file"),
        description=_l("A WebM or MP4 video."),
        validators=[FileRequired(CHOOSE_FILE)],
    )
    upload_video = SubmitField(_l("Upload the video"))


class UploadCaptionsForm(FlaskForm):
    captions_video = SelectField(_l("Video"), validate_choice=False)
    captions_language = SelectField(_l("Language of the captions"), choices=LANGUAGE_CHOICES)
    captions_file = FileField(
        _l("Captions file"),
        description=_l(
            "WebVTT (.vtt). Uploading a language's captions again replaces them. Finnish "
            "captions are needed before the video can be published."
        ),
        validators=[FileRequired(CHOOSE_FILE)],
    )
    upload_captions = SubmitField(_l("Upload the captions"))


class UploadTranscriptForm(FlaskForm):
    transcript_language = SelectField(_l("Language of the transcript"), choices=LANGUAGE_CHOICES)
    transcript_file = FileField(
        _l("Transcript file"),
        description=_l(
            "Markdown text (.md) with everything that is said and shown. A YouTube or Vimeo "
            "video needs one; for an uploaded video it replaces the text made from the "
            "captions."
        ),
        validators=[FileRequired(CHOOSE_FILE)],
    )
    upload_transcript = SubmitField(_l("Upload the transcript"))


class ReplaceForm(FlaskForm):
    """The file to replace is chosen as ``name@sha``: what the trainer saw of it."""

    replace = SelectField(_l("File to replace"), validate_choice=False)
    replacement_file = FileField(
        _l("New file"),
        description=_l("Of the same kind: a WebM for a WebM, captions for captions."),
        validators=[FileRequired(CHOOSE_FILE)],
    )
    replace_file = SubmitField(_l("Replace the file"))


class RemoveForm(FlaskForm):
    """A button that removes one file; ``base`` is what the page showed of it."""

    base = HiddenField()


class InsertVideoForm(FlaskForm):
    section = SelectField(_l("Section"), validate_choice=False)
    source = RadioField(
        _l("Video"),
        choices=choice_list(
            [("file", _l("A video uploaded here")), ("link", _l("A YouTube or Vimeo video"))]
        ),
        default="file",
    )
    video = SelectField(_l("Uploaded video"), validate_choice=False)
    address = StringField(
        _l("YouTube or Vimeo address"),
        description=_l("The address of the video's page, e.g. https://www.youtube.com/watch?v=…"),
        validators=[Optional(), Length(max=ADDRESS_MAX)],
    )
    title_fi = StringField(
        _l("Title in Finnish"), validators=[DataRequired(), Length(max=TITLE_MAX)]
    )
    title_sv = StringField(
        _l("Title in Swedish"),
        description=_l("Empty: the Finnish title."),
        validators=[Optional(), Length(max=TITLE_MAX)],
    )
    title_en = StringField(
        _l("Title in English"),
        description=_l("Empty: the Finnish title."),
        validators=[Optional(), Length(max=TITLE_MAX)],
    )
    duration = StringField(
        _l("Duration"),
        description=_l("Minutes and seconds, e.g. 3:45."),
        validators=[
            DataRequired(),
            Regexp(
                DURATION_PATTERN, message=_l("Write the duration as minutes:seconds, e.g. 3:45.")
            ),
        ],
    )
    transcript = SelectField(
        _l("Transcript"),
        description=_l(
            "Required for a YouTube or Vimeo video. Its Swedish and English versions, if "
            "uploaded, go into those languages' sections."
        ),
        validate_choice=False,
    )
    insert = SubmitField(_l("Add the video to the section"))
