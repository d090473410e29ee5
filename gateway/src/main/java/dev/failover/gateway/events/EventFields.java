package dev.failover.gateway.events;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Derives an event's wire form (type name, fields) from its record type; computed once per type. */
final class EventFields {

    private record Shape(String type, List<String> names, List<Method> accessors) {}

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            if (!type.isRecord()) {
                throw new IllegalStateException(type + " is an event detail but not a record");
            }
            List<String> names = new ArrayList<>();
            List<Method> accessors = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                names.add(c.getName());
                Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                accessors.add(accessor);
            }
            return new Shape(upperSnake(type.getSimpleName()), List.copyOf(names), List.copyOf(accessors));
        }
    };

    private EventFields() {}

    static String type(Class<?> detail) {
        return SHAPES.get(detail).type();
    }

    static Map<String, Object> of(EventDetail detail) {
        Shape shape = SHAPES.get(detail.getClass());
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < shape.names().size(); i++) {
            Object value = value(shape.accessors().get(i), detail);
            if (value != null) {
                fields.put(shape.names().get(i), value instanceof Instant t ? t.toString() : value);
            }
        }
        return Collections.unmodifiableMap(fields);
    }

    private static Object value(Method accessor, EventDetail detail) {
        try {
            return accessor.invoke(detail);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + accessor + " of an event", e);
        }
    }

    /** {@code SwitchoverCompleted} to {@code SWITCHOVER_COMPLETED}. */
    static String upperSnake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                out.append('_');
            }
            out.append(c);
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }
}
