"""A test plugin that keeps every video the videos plugin says it published."""

from campaignkit import hookimpl

published: list[tuple[int, str, str]] = []


@hookimpl(optionalhook=True)
def campaignkit_video_published(video):  # noqa: ANN001, ANN201
    """Keep the video's id, title and state."""
    published.append((video.id, video.title, video.state))
