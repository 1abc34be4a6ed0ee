"""The award step's data: the campaign file's [council], [decision] and [certificate] sections
(config.py), the events its operations return (events.py) and the notices those events send
(notices.py). The operations themselves are domain/council.py and domain/honours.py."""
