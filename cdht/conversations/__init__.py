"""Pure conversation core: questionnaires as data, answer parsing, the engine and neutral rendering.

    loader.builtin_questionnaires() / load_questionnaire(path)      -> Questionnaire
    engine.start(questionnaire, now=..., answers=..., evidence=...) -> (Session, [Event])
    engine.resume(session, inbound, questionnaire=..., now=...)     -> (Session, [Event])
    render.render(events, session, questionnaire)                   -> [OutboundMessage]

No I/O (except reading the packaged YAML), no clock, no channel libraries.
"""
